package io.github.shardingorm.internal.config;

import io.github.shardingorm.health.ReadFallback;
import io.github.shardingorm.health.ReadFrom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.shardingorm.internal.config.ShardingConfigurationBuilder.onceMillis;
import static io.github.shardingorm.internal.config.ShardingConfigurationBuilder.once;
import static io.github.shardingorm.internal.config.ShardingConfigurationBuilder.or;
import java.util.Objects;

/**
 * Collects deadlines, breaker and replica settings ({@link HealthSettings}, {@link ReplicaSettings}),
 * each checked as given (not null, not twice, within its immediate bounds), every value left unset
 * taken from {@link Defaults}. Part of {@link ShardingConfigurationBuilder}, kept apart so that its
 * concern stays in one file.
 */
public final class HealthConfigurationBuilder {

    private Long socketTimeoutMillis;
    private Long statementTimeoutMillis;
    private final Map<String, Long> socketTimeouts = new LinkedHashMap<>();
    private final Map<String, Long> statementTimeouts = new LinkedHashMap<>();
    private Integer failureThreshold;
    private Long probeIntervalMillis;
    private Long probeTimeoutMillis;
    private final List<ReplicaDefinition> replicas = new ArrayList<>();
    private ReadFrom readFrom;
    private Long maxLagMillis;
    private Long readYourWritesWaitMillis;
    private Integer primaryFallbackPermits;
    private ReadFallback fallback;
    private Long maxStalenessMillis;

    HealthConfigurationBuilder() {
    }

    public HealthConfigurationBuilder socketTimeout(Duration timeout) {
        socketTimeoutMillis = onceMillis(socketTimeoutMillis, timeout, 0, "socket timeout");
        return this;
    }

    public HealthConfigurationBuilder socketTimeout(String shardId, Duration timeout) {
        Objects.requireNonNull(shardId, "shard id");
        socketTimeouts.put(shardId, onceMillis(socketTimeouts.get(shardId), timeout, 0, "socket timeout of shard '" + shardId + "'"));
        return this;
    }

    public HealthConfigurationBuilder statementTimeout(Duration timeout) {
        statementTimeoutMillis = onceMillis(statementTimeoutMillis, timeout, 0, "statement timeout");
        return this;
    }

    public HealthConfigurationBuilder statementTimeout(String shardId, Duration timeout) {
        Objects.requireNonNull(shardId, "shard id");
        statementTimeouts.put(shardId, onceMillis(statementTimeouts.get(shardId), timeout, 0,
                "statement timeout of shard '" + shardId + "'"));
        return this;
    }

    public HealthConfigurationBuilder failureThreshold(int failures) {
        if (failureThreshold != null) {
            throw new IllegalStateException("failure threshold was already set to " + failureThreshold);
        }
        if (failures < 1) {
            throw new IllegalArgumentException("failure threshold must be at least 1 but was " + failures);
        }
        failureThreshold = failures;
        return this;
    }

    public HealthConfigurationBuilder probe(Duration interval, Duration timeout) {
        if (probeIntervalMillis != null) {
            throw new IllegalStateException("the health probe was already set to every " + probeIntervalMillis + " ms");
        }
        long i = onceMillis(null, interval, 50, "probe interval");
        probeTimeoutMillis = onceMillis(null, timeout, 1000, "probe timeout");
        probeIntervalMillis = i;
        return this;
    }

    public HealthConfigurationBuilder replica(String shardId, String jdbcUrl, String username, String password) {
        Objects.requireNonNull(shardId, "shard id");
        Objects.requireNonNull(jdbcUrl, () -> "JDBC URL of a replica of shard '" + shardId + "'");
        replicas.add(new ReplicaDefinition(shardId, jdbcUrl, username, password));
        return this;
    }

    public HealthConfigurationBuilder readFrom(ReadFrom readFrom) {
        this.readFrom = once(this.readFrom, readFrom, "read-from");
        return this;
    }

    public HealthConfigurationBuilder maxReplicaLag(Duration lag) {
        maxLagMillis = onceMillis(maxLagMillis, lag, 0, "maximum replica lag");
        return this;
    }

    public HealthConfigurationBuilder readYourWritesWait(Duration wait) {
        readYourWritesWaitMillis = onceMillis(readYourWritesWaitMillis, wait, 0, "read-your-writes wait");
        return this;
    }

    public HealthConfigurationBuilder primaryFallback(int permits, ReadFallback beyond) {
        if (primaryFallbackPermits != null) {
            throw new IllegalStateException("primary fallback permits were already set to " + primaryFallbackPermits);
        }
        if (permits < 0) {
            throw new IllegalArgumentException("primary fallback permits must be >= 0 but was " + permits);
        }
        fallback = once(null, beyond, "read fallback");
        primaryFallbackPermits = permits;
        return this;
    }

    public HealthConfigurationBuilder maxStaleness(Duration staleness) {
        maxStalenessMillis = onceMillis(maxStalenessMillis, staleness, 0, "maximum staleness");
        return this;
    }

    HealthSettings healthSettings() {
        return new HealthSettings(
                or(socketTimeoutMillis, Defaults.SOCKET_TIMEOUT_MILLIS),
                or(statementTimeoutMillis, Defaults.STATEMENT_TIMEOUT_MILLIS),
                socketTimeouts, statementTimeouts,
                or(failureThreshold, Defaults.FAILURE_THRESHOLD),
                or(probeIntervalMillis, Defaults.PROBE_INTERVAL_MILLIS),
                or(probeTimeoutMillis, Defaults.PROBE_TIMEOUT_MILLIS));
    }

    ReplicaSettings replicaSettings() {
        return new ReplicaSettings(replicas,
                or(readFrom, Defaults.READ_FROM),
                or(maxLagMillis, Defaults.MAX_REPLICA_LAG_MILLIS),
                or(readYourWritesWaitMillis, Defaults.READ_YOUR_WRITES_WAIT_MILLIS),
                or(primaryFallbackPermits, Defaults.PRIMARY_FALLBACK_PERMITS),
                or(fallback, Defaults.READ_FALLBACK),
                or(maxStalenessMillis, Defaults.MAX_STALENESS_MILLIS));
    }
}
