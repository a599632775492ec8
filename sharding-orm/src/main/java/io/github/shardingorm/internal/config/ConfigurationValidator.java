package io.github.shardingorm.internal.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@link ShardingConfiguration} as a whole: each value's range (plain code, reported as
 * {@code path: message (was: value)}, sorted by path), then the rules that span fields.
 * Deliberately without Bean Validation: a validator the library brought would switch on validation
 * of the user's own entities in every SessionFactory of the JVM (Hibernate's {@code AUTO} mode),
 * and it cost a third of a second of start-up. Returns problems instead of throwing, so start-up can report
 * them together with the strategy's and the entities' problems.
 */
public final class ConfigurationValidator {

    /** Settings sharding-orm owns; a user value would silently break routing or schema handling. */
    private static final List<String> RESERVED_PREFIXES = List.of(
            "hibernate.connection.", "jakarta.persistence.jdbc.", "javax.persistence.jdbc.",
            "hibernate.multi_tenant", "hibernate.tenant_identifier_resolver",
            "hibernate.hbm2ddl.auto", "jakarta.persistence.schema-generation.database.action");

    private ConfigurationValidator() {
    }

    public static List<String> validate(ShardingConfiguration configuration) {
        List<String> problems = new ArrayList<>();
        problems.addAll(valueProblems(configuration));
        Set<String> seen = new HashSet<>();
        for (ShardDefinition shard : configuration.shards()) {
            if (shard.id() != null && !seen.add(shard.id())) {
                problems.add("duplicate shard id '" + shard.id() + "'");
            }
        }
        java.util.Map<ShardDefinition, DatabaseIdentity> databases = new java.util.LinkedHashMap<>();
        for (ShardDefinition shard : configuration.shards()) {
            if (shard.jdbcUrl() == null || shard.jdbcUrl().isBlank()) {
                continue;
            }
            DatabaseIdentity identity = DatabaseIdentity.of(shard.jdbcUrl());
            for (java.util.Map.Entry<ShardDefinition, DatabaseIdentity> earlier : databases.entrySet()) {
                if (shard.jdbcUrl().equals(earlier.getKey().jdbcUrl())) {
                    problems.add("shard '" + shard.id() + "' uses the same JDBC URL as another shard ("
                            + JdbcUrls.mask(shard.jdbcUrl())
                            + "): two shards in one database would see each other's rows");
                    break;
                }
                if (identity != null && identity.sameAs(earlier.getValue())) {
                    problems.add("shard '" + shard.id() + "' (" + JdbcUrls.mask(shard.jdbcUrl()) + ") is the same database as shard '"
                            + earlier.getKey().id() + "' (" + JdbcUrls.mask(earlier.getKey().jdbcUrl()) + "): " + identity
                            + "; two shards in one database would see each other's rows");
                    break;
                }
            }
            databases.put(shard, identity);
        }
        for (String shardId : configuration.pools().maximumPoolSizes().keySet()) {
            if (!seen.contains(shardId)) {
                problems.add("maximum pool size set for unknown shard '" + shardId + "' (configured: " + seen + ")");
            }
            int size = configuration.pools().maximumPoolSizes().get(shardId);
            if (size < 1 || size > 1000) {
                problems.add("maximum pool size of shard '" + shardId + "' must be between 1 and 1000 but was " + size);
            }
        }
        configuration.pools().minimumIdles().forEach((shardId, idle) -> {
            if (!seen.contains(shardId)) {
                problems.add("minimum idle set for unknown shard '" + shardId + "' (configured: " + seen + ")");
            }
            if (idle < 0) {
                problems.add("minimum idle of shard '" + shardId + "' must be >= 0 but was " + idle);
            }
        });
        poolPropertyProblems(configuration, seen, problems);
        for (String key : configuration.sessions().hibernateProperties().keySet()) {
            for (String reserved : RESERVED_PREFIXES) {
                if (key.startsWith(reserved)) {
                    problems.add("Hibernate setting '" + key + "' is managed by sharding-orm: configure shards and the schema action on the builder instead");
                    break;
                }
            }
        }
        Set<String> urls = new HashSet<>();
        configuration.shards().forEach(d -> {
            if (d.jdbcUrl() != null) {
                urls.add(d.jdbcUrl());
            }
        });
        checkHealthAndReplicas(configuration, seen, urls, problems);
        return problems;
    }

    private static void atLeast(List<String> problems, String path, String what, long value, long minimum) {
        if (value < minimum) {
            problems.add(path + ": " + what + " must be >= " + minimum + " (was: " + value + ")");
        }
    }

    /** Ranges of deadlines, breaker and replica settings; per-shard deadlines name configured shards; replicas belong to configured shards, each URL once, never a shard's own. */
    private static void checkHealthAndReplicas(ShardingConfiguration configuration, Set<String> shards, Set<String> urls,
                                               List<String> problems) {
        HealthSettings health = configuration.health();
        ReplicaSettings reads = configuration.replicas();
        atLeast(problems, "health.socketTimeoutMillis", "socket timeout", health.socketTimeoutMillis(), 0);
        atLeast(problems, "health.statementTimeoutMillis", "statement timeout", health.statementTimeoutMillis(), 0);
        health.socketTimeouts().forEach((shard, v) -> atLeast(problems, "health.socketTimeouts[" + shard + "]",
                "socket timeout of shard '" + shard + "'", v, 0));
        health.statementTimeouts().forEach((shard, v) -> atLeast(problems, "health.statementTimeouts[" + shard + "]",
                "statement timeout of shard '" + shard + "'", v, 0));
        atLeast(problems, "health.failureThreshold", "failure threshold", health.failureThreshold(), 1);
        atLeast(problems, "health.probeIntervalMillis", "probe interval (ms)", health.probeIntervalMillis(), 50);
        atLeast(problems, "health.probeTimeoutMillis", "probe timeout (ms; pgjdbc counts whole seconds)", health.probeTimeoutMillis(), 1000);
        atLeast(problems, "replicas.maxLagMillis", "maximum replica lag", reads.maxLagMillis(), 0);
        atLeast(problems, "replicas.readYourWritesWaitMillis", "read-your-writes wait", reads.readYourWritesWaitMillis(), 0);
        atLeast(problems, "replicas.primaryFallbackPermits", "primary fallback permits", reads.primaryFallbackPermits(), 0);
        atLeast(problems, "replicas.maxStalenessMillis", "maximum staleness", reads.maxStalenessMillis(), 0);
        for (String shardId : health.socketTimeouts().keySet()) {
            if (!shards.contains(shardId)) {
                problems.add("socket timeout set for unknown shard '" + shardId + "' (configured: " + shards + ")");
            }
        }
        for (String shardId : health.statementTimeouts().keySet()) {
            if (!shards.contains(shardId)) {
                problems.add("statement timeout set for unknown shard '" + shardId + "' (configured: " + shards + ")");
            }
        }
        Set<String> replicaUrls = new HashSet<>();
        for (ReplicaDefinition replica : configuration.replicas().replicas()) {
            if (!shards.contains(replica.shardId())) {
                problems.add("replica " + JdbcUrls.mask(replica.jdbcUrl()) + " of unknown shard '" + replica.shardId()
                        + "' (configured: " + shards + ")");
            } else if (!PostgresUrls.isPostgres(replica.jdbcUrl())) {
                problems.add("replica " + JdbcUrls.mask(replica.jdbcUrl()) + " of shard '" + replica.shardId()
                        + "' is not a PostgreSQL URL (jdbc:postgresql:...): replicas are PostgreSQL streaming replicas");
            } else if (urls.contains(replica.jdbcUrl())) {
                problems.add("replica of shard '" + replica.shardId() + "' uses the JDBC URL of a shard's primary ("
                        + JdbcUrls.mask(replica.jdbcUrl()) + ")");
            } else if (!replicaUrls.add(replica.jdbcUrl())) {
                problems.add("replica " + JdbcUrls.mask(replica.jdbcUrl()) + " is configured twice");
            }
        }
    }

    /**
     * HikariCP properties: each must be a HikariCP setting of the right type (tried on a scratch
     * configuration, so nothing connects), not one sharding-orm sets itself, and for a known shard
     * whose pool sharding-orm runs (a user's DataSource is configured by the user).
     */
    private static void poolPropertyProblems(ShardingConfiguration c, Set<String> shardIds, List<String> problems) {
        if (c.pools() == null) {
            return;
        }
        c.pools().properties().forEach((name, value) -> poolProperty("pool property '" + name + "'", name, value, problems));
        c.pools().shardProperties().forEach((shard, properties) -> {
            if (!shardIds.contains(shard)) {
                problems.add("pool properties " + properties.keySet() + " set for unknown shard '" + shard + "' (configured: " + shardIds + ")");
                return;
            }
            boolean userManaged = c.shards().stream().anyMatch(d -> shard.equals(d.id()) && d.userManaged());
            if (userManaged) {
                problems.add("pool properties " + properties.keySet() + " set for shard '" + shard + "', whose DataSource is the user's:"
                        + " configure that pool directly");
                return;
            }
            properties.forEach((name, value) -> poolProperty("pool property '" + name + "' of shard '" + shard + "'", name, value, problems));
        });
    }

    private static void poolProperty(String what, String name, Object value, List<String> problems) {
        if (PoolSettings.RESERVED_PROPERTIES.contains(name)) {
            problems.add(what + " is set by sharding-orm itself: use the shard definition and the pool settings"
                    + " (maximumPoolSize, minimumIdle, connectionTimeout) instead");
            return;
        }
        java.util.Properties one = new java.util.Properties();
        one.put(name, value);
        try {
            com.zaxxer.hikari.util.PropertyElf.setTargetFromProperties(new com.zaxxer.hikari.HikariConfig(), one);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            problems.add(what + " is not accepted by HikariCP: " + (root.getMessage() != null ? root.getMessage() : root.toString())
                    + (name.toLowerCase().contains("password") ? "" : " (was: " + value + ")"));
        }
    }

    private static final Pattern SHARD_ID = Pattern.compile("[A-Za-z0-9_-]{1,63}");

    private record Problem(String path, String message, Object value, boolean showValue) {
        String describe() {
            return path + ": " + message + (showValue ? " (was: " + value + ")" : "");
        }
    }

    /** Each value's own range; what Bean Validation constraints on the records used to check. */
    private static List<String> valueProblems(ShardingConfiguration c) {
        List<Problem> found = new ArrayList<>();
        if (c.shards().isEmpty()) {
            found.add(new Problem("shards", "at least one shard must be configured", c.shards(), true));
        }
        for (int i = 0; i < c.shards().size(); i++) {
            ShardDefinition shard = c.shards().get(i);
            String path = "shards[" + i + "]";
            if (shard.id() == null || shard.id().isBlank()) {
                found.add(new Problem(path + ".id", "shard id must not be blank", shard.id(), true));
            }
            if (shard.id() != null && !SHARD_ID.matcher(shard.id()).matches()) {
                found.add(new Problem(path + ".id", "shard id must be 1-63 letters, digits, '_' or '-'", shard.id(), true));
            }
            if (!shard.userManaged() && (shard.jdbcUrl() == null || shard.jdbcUrl().isBlank())) {
                found.add(new Problem(path + ".jdbcUrl", "JDBC URL must not be blank", JdbcUrls.mask(shard.jdbcUrl()), true));
            }
        }
        if (c.entities().isEmpty()) {
            found.add(new Problem("entities", "at least one entity class must be configured", c.entities(), true));
        }
        notNull(found, "schemaAction", c.schemaAction());
        if (notNull(found, "routing", c.routing())) {
            notNull(found, "routing.strategy", c.routing().strategy());
            range(found, "routing.bucketCount", c.routing().bucketCount(), 1, 65536, "bucket count");
            if (c.routing().nodeId() < 0 || c.routing().nodeId() > 31) {
                found.add(new Problem("routing.nodeId", "node id must be between 0 and 31", c.routing().nodeId(), true));
            }
        }
        if (notNull(found, "pools", c.pools())) {
            if (c.pools().connectionTimeoutMillis() < 250) {
                found.add(new Problem("pools.connectionTimeoutMillis", "connection timeout must be at least 250 ms",
                        c.pools().connectionTimeoutMillis(), true));
            }
            range(found, "pools.maximumPoolSize", c.pools().maximumPoolSize(), 1, 1000, "maximum pool size");
            if (c.pools().minimumIdle() != null && c.pools().minimumIdle() < 0) {
                found.add(new Problem("pools.minimumIdle", "minimum idle must be >= 0", c.pools().minimumIdle(), true));
            }
        }
        if (notNull(found, "sessions", c.sessions())) {
            range(found, "sessions.jdbcBatchSize", c.sessions().jdbcBatchSize(), 1, 10000, "JDBC batch size");
        }
        if (notNull(found, "queries", c.queries()) && (c.queries().parallelism() < 1 || c.queries().parallelism() > 1024)) {
            found.add(new Problem("queries.parallelism", "query parallelism must be between 1 and 1024", c.queries().parallelism(), true));
        }
        if (notNull(found, "topology", c.topology())) {
            atLeast(found, "topology.pollIntervalMillis", c.topology().pollIntervalMillis(), 10, "topology poll interval must be at least 10 ms");
            atLeast(found, "topology.staleAfterMillis", c.topology().staleAfterMillis(), 100, "topology stale-after must be at least 100 ms");
            atLeast(found, "topology.fenceWaitMillis", c.topology().fenceWaitMillis(), 0, "fence wait must be at least 0 ms");
            atLeast(found, "topology.nodeLeaseMillis", c.topology().nodeLeaseMillis(), 1000, "node-id lease must be at least 1000 ms");
        }
        if (notNull(found, "writes", c.writes())) {
            notNull(found, "writes.mode", c.writes().mode());
            notNull(found, "writes.settings", c.writes().settings());
        }
        return found.stream().sorted(Comparator.comparing(Problem::path)).map(Problem::describe).toList();
    }

    private static void atLeast(List<Problem> found, String path, long value, long min, String message) {
        if (value < min) {
            found.add(new Problem(path, message, value, true));
        }
    }

    private static boolean notNull(List<Problem> found, String path, Object value) {
        if (value == null) {
            found.add(new Problem(path, "must not be null", null, false));
        }
        return value != null;
    }

    private static void range(List<Problem> found, String path, long value, long min, long max, String what) {
        if (value < min) {
            found.add(new Problem(path, what + " must be at least " + min, value, true));
        } else if (value > max) {
            found.add(new Problem(path, what + " must be at most " + max, value, true));
        }
    }
}
