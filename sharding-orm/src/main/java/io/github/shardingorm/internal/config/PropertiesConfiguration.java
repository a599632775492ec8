package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.ShardingSettings;
import io.github.shardingorm.routing.ShardingStrategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the properties form ({@link ShardingSettings}) into a builder. Every malformed value is
 * collected, and all are reported together.
 */
public final class PropertiesConfiguration {

    private PropertiesConfiguration() {
    }

    public static ShardedPersistenceBuilder apply(Map<?, ?> raw, ShardedPersistenceBuilder builder) {
        Map<String, String> p = new LinkedHashMap<>();
        Map<String, Object> objects = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (k != null && v != null) {
                p.put(k.toString(), v.toString().trim());
                objects.put(k.toString(), v instanceof String text ? text.trim() : v);
            }
        });
        List<String> problems = new ArrayList<>();
        List<String> shardIds = list(p.get(ShardingSettings.SHARDS));
        if (shardIds.isEmpty()) {
            problems.add(ShardingSettings.SHARDS + " is missing: list the shard ids, e.g. s0,s1");
        }
        Map<String, Integer> weights = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String id : shardIds) {
            if (!seen.add(id)) {
                problems.add("duplicate shard id '" + id + "' in " + ShardingSettings.SHARDS);
                continue;
            }
            String prefix = ShardingSettings.SHARD_PREFIX + id + ".";
            String url = p.get(prefix + ShardingSettings.SHARD_URL);
            Object dataSource = objects.get(prefix + ShardingSettings.SHARD_DATA_SOURCE);
            if (dataSource != null) {
                if (dataSource instanceof javax.sql.DataSource ds && url == null) {
                    builder.shard(id, ds);
                } else {
                    problems.add(prefix + ShardingSettings.SHARD_DATA_SOURCE + " must be a javax.sql.DataSource instance, without "
                            + prefix + ShardingSettings.SHARD_URL + ", but was " + dataSource.getClass().getName());
                }
            } else if (url == null || url.isEmpty()) {
                problems.add(prefix + ShardingSettings.SHARD_URL + " is missing");
                continue;
            } else {
                builder.shard(id, url, p.get(prefix + ShardingSettings.SHARD_USERNAME), p.get(prefix + ShardingSettings.SHARD_PASSWORD));
            }
            String shardPool = prefix + ShardingSettings.SHARD_POOL_PREFIX;
            objects.forEach((k, v) -> {
                if (k.startsWith(shardPool) && k.length() > shardPool.length()) {
                    builder.poolProperty(id, k.substring(shardPool.length()), poolValue(k.substring(shardPool.length()), v, k, problems));
                }
            });
            Integer max = integer(p, prefix + ShardingSettings.SHARD_MAXIMUM_POOL_SIZE, problems);
            if (max != null) {
                builder.maximumPoolSize(id, max);
            }
            Integer idle = integer(p, prefix + ShardingSettings.SHARD_MINIMUM_IDLE, problems);
            if (idle != null) {
                builder.minimumIdle(id, idle);
            }
            Integer weight = integer(p, prefix + ShardingSettings.SHARD_WEIGHT, problems);
            weights.put(id, weight == null ? Defaults.SHARD_WEIGHT : weight);
            HealthProperties.applyShard(p, id, builder, problems);
        }
        List<Class<?>> entities = new ArrayList<>();
        for (String name : list(p.get(ShardingSettings.ENTITIES))) {
            try {
                entities.add(Class.forName(name, true, classLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add(ShardingSettings.ENTITIES + ": class " + name + " cannot be loaded (" + e + ")");
            }
        }
        for (String pkg : list(p.get(ShardingSettings.ENTITY_PACKAGES))) {
            for (Class<?> found : EntityPackages.scan(pkg, classLoader(), problems)) {
                if (!entities.contains(found)) {
                    entities.add(found);
                }
            }
        }
        builder.entities(entities.toArray(new Class<?>[0]));
        objects.forEach((k, v) -> {
            if (k.startsWith(ShardingSettings.POOL_PREFIX) && k.length() > ShardingSettings.POOL_PREFIX.length()) {
                String name = k.substring(ShardingSettings.POOL_PREFIX.length());
                builder.poolProperty(name, poolValue(name, v, k, problems));
            }
        });
        Object sagas = objects.get(ShardingSettings.SAGAS);
        if (sagas != null) {
            for (io.github.shardingorm.saga.SagaDefinition saga : PropertyObjects.sagas(sagas, problems)) {
                try {
                    builder.saga(saga);
                } catch (IllegalStateException e) {
                    problems.add(ShardingSettings.SAGAS + ": " + e.getMessage());
                }
            }
        }
        Object strategyObject = objects.get(ShardingSettings.STRATEGY);
        String strategy = strategyObject == null ? Defaults.STRATEGY_NAME
                : strategyObject instanceof String text ? text : "(an instance)";
        switch (strategy.toLowerCase(Locale.ROOT)) {
            case "hash" -> builder.strategy(ShardingStrategies.hash());
            case "consistent-hash" -> {
                Integer vnodes = integer(p, ShardingSettings.VIRTUAL_NODES, problems);
                try {
                    builder.strategy(ShardingStrategies.consistentHash(vnodes == null ? Defaults.VIRTUAL_NODES : vnodes));
                } catch (IllegalArgumentException e) {
                    problems.add(ShardingSettings.VIRTUAL_NODES + ": " + e.getMessage());
                }
            }
            case "weighted" -> builder.strategy(ShardingStrategies.weighted(weights));
            case "range" -> strategyOrProblem(builder, PropertyObjects.range(p.get(ShardingSettings.STRATEGY_RANGES), problems));
            case "directory" -> strategyOrProblem(builder, PropertyObjects.directory(p.get(ShardingSettings.STRATEGY_DIRECTORY),
                    p.get(ShardingSettings.STRATEGY_DIRECTORY_DEFAULT), problems));
            default -> {
                if (strategyObject instanceof String name && !name.contains(".")) {
                    problems.add(ShardingSettings.STRATEGY + " must be hash, consistent-hash, weighted, range, directory or the class name"
                            + " of a ShardingStrategy but was '" + name + "'");
                } else {
                    strategyOrProblem(builder, PropertyObjects.strategy(strategyObject, problems));
                }
            }
        }
        Integer buckets = integer(p, ShardingSettings.BUCKET_COUNT, problems);
        if (buckets != null) {
            builder.bucketCount(buckets);
        }
        String action = p.get(ShardingSettings.SCHEMA_ACTION);
        if (action != null) {
            try {
                builder.schema(SchemaAction.valueOf(action.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add(ShardingSettings.SCHEMA_ACTION + " must be none, create, update or validate but was '" + action + "'");
            }
        }
        Integer timeout = integer(p, ShardingSettings.CONNECTION_TIMEOUT, problems);
        if (timeout != null) {
            builder.connectionTimeout(Duration.ofMillis(timeout));
        }
        Integer maxPool = integer(p, ShardingSettings.MAXIMUM_POOL_SIZE, problems);
        if (maxPool != null) {
            builder.maximumPoolSize(maxPool);
        }
        Integer minIdle = integer(p, ShardingSettings.MINIMUM_IDLE, problems);
        if (minIdle != null) {
            builder.minimumIdle(minIdle);
        }
        Integer nodeId = integer(p, ShardingSettings.NODE_ID, problems);
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        Integer batch = integer(p, ShardingSettings.JDBC_BATCH_SIZE, problems);
        if (batch != null) {
            builder.jdbcBatchSize(batch);
        }
        Integer queryParallelism = integer(p, ShardingSettings.QUERY_PARALLELISM, problems);
        if (queryParallelism != null) {
            if (queryParallelism < 1 || queryParallelism > 1024) {
                problems.add(ShardingSettings.QUERY_PARALLELISM + " must be between 1 and 1024 but was " + queryParallelism);
            } else {
                builder.queryParallelism(queryParallelism);
            }
        }
        applyCrossShardWrites(p, builder, problems);
        applyObservability(p, builder, problems);
        io.github.shardingorm.cache.CacheConfig cache = cache(p, problems);
        if (cache != null) {
            builder.cache(cache);
        }
        HealthProperties.apply(p, builder, problems);
        p.forEach((k, v) -> {
            if (k.startsWith("hibernate.") || k.startsWith("jakarta.persistence.")) {
                builder.hibernateProperty(k, objects.get(k));
            } else if (k.startsWith("sharding.") && !known(k, shardIds)) {
                problems.add("unknown setting '" + k + "' (see ShardingSettings)");
            }
        });
        if (!problems.isEmpty()) {
            throw new ShardingConfigurationException(problems);
        }
        return builder;
    }

    private static void strategyOrProblem(ShardedPersistenceBuilder builder, io.github.shardingorm.spi.ShardingStrategy strategy) {
        if (strategy != null) {
            builder.strategy(strategy);
        }
    }

    /** A pool property's value: as given, except a class name for an object-typed HikariCP setting, instantiated. */
    private static Object poolValue(String name, Object value, String key, List<String> problems) {
        if (value instanceof String text && (name.equals("metricsTrackerFactory") || name.equals("healthCheckRegistry")
                || name.equals("metricRegistry") || name.equals("threadFactory") || name.equals("scheduledExecutor")
                || name.equals("exceptionOverride"))) {
            Object instance = PropertyObjects.instantiate(key, text, problems);
            return instance == null ? text : instance;
        }
        return value;
    }

    /** Two-phase commit, saga retries, lease and recovery period (sagas themselves are registered with the builder). */
    private static void applyCrossShardWrites(Map<String, String> p, ShardedPersistenceBuilder builder, List<String> problems) {
        String mode = p.get(ShardingSettings.TWO_PHASE_COMMIT);
        if (mode != null) {
            try {
                builder.twoPhaseCommit(io.github.shardingorm.TwoPhaseCommitMode.valueOf(mode.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add(ShardingSettings.TWO_PHASE_COMMIT + " must be auto, required or disabled but was '" + mode + "'");
            }
        }
        Integer grace = integer(p, ShardingSettings.TWO_PHASE_GRACE, problems);
        Integer attempts = integer(p, ShardingSettings.SAGA_MAX_ATTEMPTS, problems);
        Integer backoff = integer(p, ShardingSettings.SAGA_RETRY_BACKOFF, problems);
        Integer lease = integer(p, ShardingSettings.SAGA_LEASE, problems);
        Integer interval = integer(p, ShardingSettings.RECOVERY_INTERVAL, problems);
        try {
            if (grace != null) {
                builder.twoPhaseGrace(Duration.ofMillis(grace));
            }
            if (attempts != null || backoff != null) {
                builder.sagaRetries(attempts == null ? Defaults.SAGA_MAX_ATTEMPTS : attempts,
                        Duration.ofMillis(backoff == null ? Defaults.SAGA_RETRY_BACKOFF_MILLIS : backoff));
            }
            if (lease != null) {
                builder.sagaLease(Duration.ofMillis(lease));
            }
            if (interval != null) {
                builder.recoveryInterval(Duration.ofMillis(interval));
            }
            Integer poll = integer(p, ShardingSettings.TOPOLOGY_POLL_INTERVAL, problems);
            Integer stale = integer(p, ShardingSettings.TOPOLOGY_STALE_AFTER, problems);
            if (poll != null) {
                builder.topologyPollInterval(Duration.ofMillis(poll));
            }
            if (stale != null) {
                builder.topologyStaleAfter(Duration.ofMillis(stale));
            }
            Integer fencedWait = integer(p, ShardingSettings.FENCED_WRITE_WAIT, problems);
            if (fencedWait != null) {
                builder.fencedWriteWait(Duration.ofMillis(fencedWait));
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    /** Statistics, hot-shard window, routing log and saga retention. */
    private static void applyObservability(Map<String, String> p, ShardedPersistenceBuilder builder, List<String> problems) {
        Boolean statistics = bool(p, ShardingSettings.STATISTICS, problems);
        Boolean routingLog = bool(p, ShardingSettings.ROUTING_LOG, problems);
        Boolean parameters = bool(p, ShardingSettings.ROUTING_LOG_PARAMETERS, problems);
        Integer window = integer(p, ShardingSettings.HOT_SHARD_WINDOW, problems);
        Integer retention = integer(p, ShardingSettings.SAGA_RETENTION, problems);
        try {
            if (statistics != null) {
                builder.statistics(statistics);
            }
            if (routingLog != null || parameters != null) {
                builder.routingLog(routingLog != null && routingLog, parameters != null && parameters);
            }
            if (window != null) {
                builder.hotShardWindow(Duration.ofMillis(window));
            }
            if (retention != null) {
                builder.sagaRetention(Duration.ofMillis(retention));
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    private static final List<String> CACHE_KEYS = List.of(ShardingSettings.CACHE_SECOND_LEVEL, ShardingSettings.CACHE_ENTITIES,
            ShardingSettings.CACHE_REGIONS, ShardingSettings.CACHE_DEFAULTS, ShardingSettings.CACHE_QUERY_CACHE, ShardingSettings.CACHE_ASIDE,
            ShardingSettings.CACHE_PROVIDER, ShardingSettings.CACHE_INVALIDATION);

    /**
     * The caches ({@code sharding.cache.*}, the same settings as {@code CacheConfig.builder()}); null when no
     * such key is set (nothing cached). Each malformed value is a problem naming its key.
     */
    static io.github.shardingorm.cache.CacheConfig cache(Map<String, String> p, List<String> problems) {
        if (CACHE_KEYS.stream().noneMatch(p::containsKey)) {
            return null;
        }
        int before = problems.size();
        io.github.shardingorm.cache.CacheConfig.Builder cache = io.github.shardingorm.cache.CacheConfig.builder();
        try {
            if (Boolean.TRUE.equals(bool(p, ShardingSettings.CACHE_SECOND_LEVEL, problems))) {
                cache.secondLevel();
            }
            for (String[] e : sized(p, ShardingSettings.CACHE_ENTITIES, false, problems)) {
                Class<?> type = cacheClass(ShardingSettings.CACHE_ENTITIES, e[0], problems);
                if (type != null) {
                    if (e.length == 1) {
                        cache.entity(type);
                    } else {
                        cache.entity(type, Long.parseLong(e[1]), Duration.ofMillis(Long.parseLong(e[2])));
                    }
                }
            }
            for (String[] e : sized(p, ShardingSettings.CACHE_REGIONS, true, problems)) {
                cache.region(e[0], Long.parseLong(e[1]), Duration.ofMillis(Long.parseLong(e[2])));
            }
            String defaults = p.get(ShardingSettings.CACHE_DEFAULTS);
            if (defaults != null && !defaults.isBlank()) {
                String[] d = defaults.split(":");
                if (d.length != 2 || !d[0].trim().matches("\\d+") || !d[1].trim().matches("\\d+")) {
                    problems.add(ShardingSettings.CACHE_DEFAULTS + " must be maximumEntries:timeToLiveMillis, e.g. 10000:600000, but was '"
                            + defaults + "'");
                } else {
                    cache.defaults(Long.parseLong(d[0].trim()), Duration.ofMillis(Long.parseLong(d[1].trim())));
                }
            }
            Boolean query = bool(p, ShardingSettings.CACHE_QUERY_CACHE, problems);
            if (query != null) {
                cache.queryCache(query);
            }
            for (String[] e : sized(p, ShardingSettings.CACHE_ASIDE, false, problems)) {
                Class<?> type = cacheClass(ShardingSettings.CACHE_ASIDE, e[0], problems);
                if (type != null) {
                    if (e.length == 1) {
                        cache.cacheAside(type);
                    } else {
                        cache.cacheAside(type, Long.parseLong(e[1]), Duration.ofMillis(Long.parseLong(e[2])));
                    }
                }
            }
            String provider = p.get(ShardingSettings.CACHE_PROVIDER);
            if (provider != null && !provider.isBlank()) {
                cache.provider(provider);
            }
            String invalidation = p.get(ShardingSettings.CACHE_INVALIDATION);
            if (invalidation != null && !invalidation.isBlank()) {
                try {
                    cache.invalidation(io.github.shardingorm.cache.CacheConfig.Invalidation.valueOf(invalidation.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    problems.add(ShardingSettings.CACHE_INVALIDATION + " must be auto, enabled or disabled but was '" + invalidation + "'");
                }
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            problems.add("sharding.cache.*: " + e.getMessage());
        }
        return problems.size() == before ? cache.build() : null;
    }

    /** {@code name[:maximumEntries:timeToLiveMillis]} entries of a list; a malformed one is a problem and left out. */
    private static List<String[]> sized(Map<String, String> p, String key, boolean sizeRequired, List<String> problems) {
        List<String[]> out = new ArrayList<>();
        for (String entry : list(p.get(key))) {
            String[] parts = entry.split(":");
            for (int i = 0; i < parts.length; i++) {
                parts[i] = parts[i].trim();
            }
            boolean sized = parts.length == 3 && parts[1].matches("\\d+") && parts[2].matches("\\d+");
            if (parts[0].isEmpty() || !(sized || parts.length == 1 && !sizeRequired)) {
                problems.add(key + ": '" + entry + "' must be " + (sizeRequired ? "name:maximumEntries:timeToLiveMillis"
                        : "a class name, optionally followed by :maximumEntries:timeToLiveMillis") + ", e.g. "
                        + (sizeRequired ? "com.example.User.posts:20000:300000" : "com.example.User:50000:600000"));
            } else {
                out.add(parts);
            }
        }
        return out;
    }

    private static Class<?> cacheClass(String key, String name, List<String> problems) {
        try {
            return Class.forName(name, false, classLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add(key + ": class " + name + " cannot be loaded (" + e + ")");
            return null;
        }
    }

    private static Boolean bool(Map<String, String> p, String key, List<String> problems) {
        String value = p.get(key);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!value.trim().equalsIgnoreCase("true") && !value.trim().equalsIgnoreCase("false")) {
            problems.add(key + " must be true or false but was '" + value + "'");
            return null;
        }
        return Boolean.parseBoolean(value.trim());
    }

    private static boolean known(String key, List<String> shardIds) {
        if (ShardingSettings.QUERY_PARALLELISM.equals(key) || HealthProperties.known(key, shardIds)
                || ShardingSettings.TOPOLOGY_POLL_INTERVAL.equals(key)
                || ShardingSettings.TOPOLOGY_STALE_AFTER.equals(key) || ShardingSettings.FENCED_WRITE_WAIT.equals(key) || key.startsWith(ShardingSettings.POOL_PREFIX)) {
            return true;
        }
        if (List.of(ShardingSettings.ENTITY_PACKAGES, ShardingSettings.STRATEGY_RANGES, ShardingSettings.STRATEGY_DIRECTORY,
                ShardingSettings.STRATEGY_DIRECTORY_DEFAULT, ShardingSettings.SAGAS).contains(key)) {
            return true;
        }
        if (CACHE_KEYS.contains(key)) {
            return true;
        }
        if (List.of(ShardingSettings.STATISTICS, ShardingSettings.HOT_SHARD_WINDOW, ShardingSettings.ROUTING_LOG,
                ShardingSettings.ROUTING_LOG_PARAMETERS, ShardingSettings.SAGA_RETENTION).contains(key)) {
            return true;
        }
        if (List.of(ShardingSettings.TWO_PHASE_COMMIT, ShardingSettings.TWO_PHASE_GRACE, ShardingSettings.SAGA_MAX_ATTEMPTS,
                ShardingSettings.SAGA_RETRY_BACKOFF, ShardingSettings.SAGA_LEASE, ShardingSettings.RECOVERY_INTERVAL).contains(key)) {
            return true;
        }
        if (List.of(ShardingSettings.SHARDS, ShardingSettings.ENTITIES, ShardingSettings.STRATEGY, ShardingSettings.VIRTUAL_NODES,
                ShardingSettings.BUCKET_COUNT, ShardingSettings.SCHEMA_ACTION, ShardingSettings.CONNECTION_TIMEOUT,
                ShardingSettings.MAXIMUM_POOL_SIZE, ShardingSettings.MINIMUM_IDLE, ShardingSettings.NODE_ID,
                ShardingSettings.JDBC_BATCH_SIZE).contains(key)) {
            return true;
        }
        for (String id : shardIds) {
            String prefix = ShardingSettings.SHARD_PREFIX + id + ".";
            if (key.startsWith(prefix + ShardingSettings.SHARD_POOL_PREFIX)) {
                return true;
            }
            if (key.startsWith(prefix) && List.of(ShardingSettings.SHARD_URL, ShardingSettings.SHARD_USERNAME, ShardingSettings.SHARD_DATA_SOURCE,
                    ShardingSettings.SHARD_PASSWORD, ShardingSettings.SHARD_MAXIMUM_POOL_SIZE, ShardingSettings.SHARD_MINIMUM_IDLE,
                    ShardingSettings.SHARD_WEIGHT).contains(key.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    private static Integer integer(Map<String, String> p, String key, List<String> problems) {
        String value = p.get(key);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            problems.add(key + " must be an integer but was '" + (key.endsWith("password") ? "****" : value) + "'");
            return null;
        }
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    private static ClassLoader classLoader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl != null ? tccl : PropertiesConfiguration.class.getClassLoader();
    }
}
