package io.github.shardingorm.internal.config;

import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingSettings;
import io.github.shardingorm.health.ReadFallback;
import io.github.shardingorm.health.ReadFrom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The properties form of deadlines, health and replicas (part of {@link PropertiesConfiguration}). */
final class HealthProperties {

    private static final List<String> GLOBAL = List.of(ShardingSettings.SOCKET_TIMEOUT, ShardingSettings.STATEMENT_TIMEOUT,
            ShardingSettings.HEALTH_FAILURE_THRESHOLD, ShardingSettings.HEALTH_PROBE_INTERVAL, ShardingSettings.HEALTH_PROBE_TIMEOUT,
            ShardingSettings.READ_FROM, ShardingSettings.REPLICA_MAX_LAG, ShardingSettings.REPLICA_READ_YOUR_WRITES_WAIT,
            ShardingSettings.REPLICA_PRIMARY_FALLBACK_PERMITS, ShardingSettings.REPLICA_FALLBACK, ShardingSettings.REPLICA_MAX_STALENESS);
    private static final List<String> PER_SHARD = List.of(ShardingSettings.SHARD_SOCKET_TIMEOUT,
            ShardingSettings.SHARD_STATEMENT_TIMEOUT, ShardingSettings.SHARD_REPLICAS);

    private HealthProperties() {
    }

    static boolean known(String key, List<String> shardIds) {
        if (GLOBAL.contains(key)) {
            return true;
        }
        for (String id : shardIds) {
            String prefix = ShardingSettings.SHARD_PREFIX + id + ".";
            if (key.startsWith(prefix) && PER_SHARD.contains(key.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    /** Per shard: deadlines and replicas (with the shard's credentials). */
    static void applyShard(Map<String, String> p, String id, ShardedPersistenceBuilder builder, List<String> problems) {
        String prefix = ShardingSettings.SHARD_PREFIX + id + ".";
        Long socket = millis(p, prefix + ShardingSettings.SHARD_SOCKET_TIMEOUT, problems);
        Long statement = millis(p, prefix + ShardingSettings.SHARD_STATEMENT_TIMEOUT, problems);
        try {
            if (socket != null) {
                builder.socketTimeout(id, Duration.ofMillis(socket));
            }
            if (statement != null) {
                builder.statementTimeout(id, Duration.ofMillis(statement));
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String replicas = p.get(prefix + ShardingSettings.SHARD_REPLICAS);
        if (replicas != null) {
            for (String url : replicas.split(",")) {
                if (!url.isBlank()) {
                    builder.replica(id, url.trim(), p.get(prefix + ShardingSettings.SHARD_USERNAME),
                            p.get(prefix + ShardingSettings.SHARD_PASSWORD));
                }
            }
        }
    }

    static void apply(Map<String, String> p, ShardedPersistenceBuilder builder, List<String> problems) {
        try {
            Long socket = millis(p, ShardingSettings.SOCKET_TIMEOUT, problems);
            if (socket != null) {
                builder.socketTimeout(Duration.ofMillis(socket));
            }
            Long statement = millis(p, ShardingSettings.STATEMENT_TIMEOUT, problems);
            if (statement != null) {
                builder.statementTimeout(Duration.ofMillis(statement));
            }
            Long threshold = millis(p, ShardingSettings.HEALTH_FAILURE_THRESHOLD, problems);
            if (threshold != null) {
                builder.failureThreshold((int) Math.min(Integer.MAX_VALUE, threshold));
            }
            Long interval = millis(p, ShardingSettings.HEALTH_PROBE_INTERVAL, problems);
            Long timeout = millis(p, ShardingSettings.HEALTH_PROBE_TIMEOUT, problems);
            if (interval != null || timeout != null) {
                builder.healthProbe(Duration.ofMillis(interval != null ? interval : Defaults.PROBE_INTERVAL_MILLIS),
                        Duration.ofMillis(timeout != null ? timeout : Defaults.PROBE_TIMEOUT_MILLIS));
            }
            String readFrom = p.get(ShardingSettings.READ_FROM);
            if (readFrom != null) {
                try {
                    builder.readFrom(ReadFrom.valueOf(readFrom.toUpperCase(Locale.ROOT).replace('-', '_')));
                } catch (IllegalArgumentException e) {
                    problems.add(ShardingSettings.READ_FROM + " must be primary, replica_preferred or replica_only but was '" + readFrom + "'");
                }
            }
            Long lag = millis(p, ShardingSettings.REPLICA_MAX_LAG, problems);
            if (lag != null) {
                builder.maxReplicaLag(Duration.ofMillis(lag));
            }
            Long wait = millis(p, ShardingSettings.REPLICA_READ_YOUR_WRITES_WAIT, problems);
            if (wait != null) {
                builder.readYourWritesWait(Duration.ofMillis(wait));
            }
            Long permits = millis(p, ShardingSettings.REPLICA_PRIMARY_FALLBACK_PERMITS, problems);
            String fallback = p.get(ShardingSettings.REPLICA_FALLBACK);
            ReadFallback beyond = Defaults.READ_FALLBACK;
            if (fallback != null) {
                try {
                    beyond = ReadFallback.valueOf(fallback.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    problems.add(ShardingSettings.REPLICA_FALLBACK + " must be fail or stale but was '" + fallback + "'");
                }
            }
            if (permits != null || fallback != null) {
                builder.primaryFallback(permits != null ? (int) Math.min(Integer.MAX_VALUE, permits) : Defaults.PRIMARY_FALLBACK_PERMITS, beyond);
            }
            Long staleness = millis(p, ShardingSettings.REPLICA_MAX_STALENESS, problems);
            if (staleness != null) {
                builder.maxStaleness(Duration.ofMillis(staleness));
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    private static Long millis(Map<String, String> p, String key, List<String> problems) {
        String value = p.get(key);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.valueOf(value);
        } catch (NumberFormatException e) {
            problems.add(key + " must be an integer but was '" + value + "'");
            return null;
        }
    }
}
