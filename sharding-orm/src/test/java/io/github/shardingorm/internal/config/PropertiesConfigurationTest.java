package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingSettings;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.routing.ShardingStrategies;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PropertiesConfigurationTest {

    @Entity
    static class Account {
        @Id
        @ShardKey
        Long id;
    }

    @Entity
    static class Orphan {
        @Id
        Long id;
    }

    private static final String PASSWORD = "s3cr3t-pw";

    /** A complete, valid properties form (the URLs are never connected to: each test adds a problem). */
    private static Map<String, String> valid() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sharding.shards", "s0, s1");
        p.put("sharding.shard.s0.url", "jdbc:postgresql://127.0.0.1:1/s0");
        p.put("sharding.shard.s0.username", "app");
        p.put("sharding.shard.s0.password", PASSWORD);
        p.put("sharding.shard.s1.url", "jdbc:postgresql://127.0.0.1:1/s1");
        p.put("sharding.shard.s1.password", PASSWORD);
        p.put("sharding.entities", Account.class.getName());
        return p;
    }

    private static ShardingConfigurationException assertProblems(Map<String, String> properties, String... expected) {
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> PropertiesConfiguration.apply(properties, ShardedPersistence.builder()));
        assertHasProblems(e, expected);
        return e;
    }

    private static void assertHasProblems(ShardingConfigurationException e, String... expected) {
        for (String fragment : expected) {
            assertTrue(e.getProblems().stream().anyMatch(p -> p.contains(fragment)),
                    () -> "no problem mentions '" + fragment + "' in " + e.getProblems());
        }
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        assertTrue(e.getProblems().stream().noneMatch(p -> p.contains("unreachable")), e.getProblems()::toString);
    }

    private static void assertAlreadySet(Executable call, String expected) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    // ------------------------------------------------------------------ filling the builder

    @Test
    void apply_fillsEverySettingOfTheBuilder() {
        Map<String, String> p = valid();
        p.put("sharding.strategy", "weighted");
        p.put("sharding.shard.s0.weight", "3");
        p.put("sharding.shard.s1.maximum-pool-size", "4");
        p.put("sharding.buckets", "1024");
        p.put("sharding.schema-action", "update");
        p.put("sharding.connection-timeout", "750");
        p.put("sharding.maximum-pool-size", " 12 ");
        p.put("sharding.minimum-idle", "2");
        p.put("sharding.node-id", "7");
        p.put("sharding.jdbc-batch-size", "25");
        ShardedPersistenceBuilder builder = PropertiesConfiguration.apply(p, ShardedPersistence.builder());

        String text = builder.toString();
        assertTrue(text.contains("id=s0") && text.contains("id=s1") && text.contains("127.0.0.1:1/s1"), text);
        assertTrue(text.contains(Account.class.getName()), text);
        assertFalse(text.contains(PASSWORD), text);
        // the builder names the value already set: that is how we see what the properties filled in
        assertAlreadySet(() -> builder.strategy(ShardingStrategies.hash()), "weighted{s0=3, s1=1}");
        assertAlreadySet(() -> builder.bucketCount(1), "bucket count was already set to 1024");
        assertAlreadySet(() -> builder.schema(SchemaAction.NONE), "schema action was already set to UPDATE");
        assertAlreadySet(() -> builder.connectionTimeout(Duration.ZERO), "connection timeout was already set to PT0.75S");
        assertAlreadySet(() -> builder.maximumPoolSize(1), "maximum pool size was already set to 12");
        assertAlreadySet(() -> builder.maximumPoolSize("s1", 1), "maximum pool size of shard 's1' was already set to 4");
        assertAlreadySet(() -> builder.minimumIdle(1), "minimum idle was already set to 2");
        assertAlreadySet(() -> builder.nodeId(1), "node id was already set to 7");
        assertAlreadySet(() -> builder.jdbcBatchSize(1), "JDBC batch size was already set to 25");
    }

    @Test
    void cacheKeys_fillEverySettingOfCacheConfig() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sharding.cache.second-level", "true");
        p.put("sharding.cache.entities", Account.class.getName() + ":5000:60000, " + Orphan.class.getName());
        p.put("sharding.cache.regions", "com.example.User.posts:200:3000 , default-query-results-region:100:1000");
        p.put("sharding.cache.defaults", "700:9000");
        p.put("sharding.cache.query-cache", "true");
        p.put("sharding.cache.cache-aside", Account.class.getName() + ":300:4000");
        p.put("sharding.cache.provider", "com.example.MyCachingProvider");
        p.put("sharding.cache.invalidation", "disabled");
        List<String> problems = new java.util.ArrayList<>();
        io.github.shardingorm.cache.CacheConfig c = PropertiesConfiguration.cache(p, problems);

        assertEquals(List.of(), problems);
        assertTrue(c.secondLevel() && c.enabled());
        assertEquals(List.of(Account.class, Orphan.class), List.copyOf(c.entities().keySet()));
        assertEquals(new io.github.shardingorm.cache.CacheConfig.Region(5000, Duration.ofMinutes(1)), c.region(Account.class.getName()));
        assertEquals(new io.github.shardingorm.cache.CacheConfig.Region(200, Duration.ofSeconds(3)), c.region("com.example.User.posts"));
        assertEquals(new io.github.shardingorm.cache.CacheConfig.Region(100, Duration.ofSeconds(1)), c.region("default-query-results-region"));
        assertEquals(new io.github.shardingorm.cache.CacheConfig.Region(700, Duration.ofSeconds(9)), c.region(Orphan.class.getName()),
                "an entity without a size takes the defaults");
        assertTrue(c.queryCache());
        assertEquals(Map.of(Account.class, new io.github.shardingorm.cache.CacheConfig.Region(300, Duration.ofSeconds(4))), c.cacheAside());
        assertEquals("com.example.MyCachingProvider", c.provider());
        assertEquals(io.github.shardingorm.cache.CacheConfig.Invalidation.DISABLED, c.invalidation());

        io.github.shardingorm.cache.CacheConfig plain = PropertiesConfiguration.cache(Map.of("sharding.cache.cache-aside", Account.class.getName()),
                problems);
        assertEquals(List.of(), problems);
        assertFalse(plain.secondLevel());
        assertEquals(io.github.shardingorm.cache.CacheConfig.Invalidation.AUTO, plain.invalidation());
        assertEquals(Duration.ofMinutes(10), plain.cacheAside().get(Account.class).timeToLive(), "the builder's default size");
        assertEquals(null, PropertiesConfiguration.cache(Map.of("sharding.statistics", "true"), problems), "no cache key: nothing cached");

        Map<String, String> all = valid();
        all.putAll(p);
        ShardedPersistenceBuilder builder = PropertiesConfiguration.apply(all, ShardedPersistence.builder());
        assertAlreadySet(() -> builder.cache(io.github.shardingorm.cache.CacheConfig.disabled()), "cache configuration was already set");
    }

    @Test
    void cacheKeys_malformedValuesAreNamed() {
        Map<String, String> p = valid();
        p.put("sharding.cache.entities", Account.class.getName() + ":many:60000, com.example.Missing");
        p.put("sharding.cache.regions", "com.example.User.posts");
        p.put("sharding.cache.defaults", "10000");
        p.put("sharding.cache.query-cache", "yes");
        p.put("sharding.cache.invalidation", "sometimes");
        p.put("sharding.cache.entitys", Account.class.getName());
        assertProblems(p,
                "sharding.cache.entities: '" + Account.class.getName() + ":many:60000' must be a class name, optionally followed by"
                        + " :maximumEntries:timeToLiveMillis",
                "sharding.cache.entities: class com.example.Missing cannot be loaded",
                "sharding.cache.regions: 'com.example.User.posts' must be name:maximumEntries:timeToLiveMillis",
                "sharding.cache.defaults must be maximumEntries:timeToLiveMillis, e.g. 10000:600000, but was '10000'",
                "sharding.cache.query-cache must be true or false but was 'yes'",
                "sharding.cache.invalidation must be auto, enabled or disabled but was 'sometimes'",
                "unknown setting 'sharding.cache.entitys'");

        Map<String, String> twice = valid();
        twice.put("sharding.cache.cache-aside", Account.class.getName() + ", " + Account.class.getName() + ":10:1000");
        twice.put("sharding.cache.regions", "r:0:1000");
        assertProblems(twice, "sharding.cache.*: ");
    }

    @Test
    void apply_fillsDeadlinesHealthAndReplicas() {
        Map<String, String> p = valid();
        p.put("sharding.socket-timeout", "5000");
        p.put("sharding.statement-timeout", "4000");
        p.put("sharding.shard.s1.socket-timeout", "9000");
        p.put("sharding.shard.s1.replicas", "jdbc:postgresql://r1:5432/s1?password=" + PASSWORD + ", jdbc:postgresql://r2:5432/s1");
        p.put("sharding.health.failure-threshold", "5");
        p.put("sharding.health.probe-interval", "100");
        p.put("sharding.read-from", "replica-only");
        p.put("sharding.replica.max-lag", "300");
        p.put("sharding.replica.primary-fallback-permits", "2");
        p.put("sharding.replica.fallback", "stale");
        ShardedPersistenceBuilder builder = PropertiesConfiguration.apply(p, ShardedPersistence.builder());

        String text = builder.toString();
        assertTrue(text.contains("shard=s1, url=jdbc:postgresql://r1:5432/s1") && text.contains("r2:5432/s1"), text);
        assertFalse(text.contains(PASSWORD), text);
        assertAlreadySet(() -> builder.socketTimeout(Duration.ZERO), "socket timeout was already set to 5000 ms");
        assertAlreadySet(() -> builder.socketTimeout("s1", Duration.ZERO), "socket timeout of shard 's1' was already set to 9000 ms");
        assertAlreadySet(() -> builder.statementTimeout(Duration.ZERO), "statement timeout was already set to 4000 ms");
        assertAlreadySet(() -> builder.failureThreshold(1), "failure threshold was already set to 5");
        assertAlreadySet(() -> builder.healthProbe(Duration.ofSeconds(1), Duration.ofSeconds(1)), "every 100 ms");
        assertAlreadySet(() -> builder.readFrom(io.github.shardingorm.health.ReadFrom.PRIMARY), "read-from was already set to REPLICA_ONLY");
        assertAlreadySet(() -> builder.maxReplicaLag(Duration.ZERO), "maximum replica lag was already set to 300 ms");
        assertAlreadySet(() -> builder.primaryFallback(1, io.github.shardingorm.health.ReadFallback.FAIL),
                "primary fallback permits were already set to 2");
    }

    @Test
    void apply_fillsTheFencedWriteWait_andRefusesANegativeOne() {
        Map<String, String> p = valid();
        p.put(ShardingSettings.FENCED_WRITE_WAIT, "750");
        ShardedPersistenceBuilder builder = PropertiesConfiguration.apply(p, ShardedPersistence.builder());
        assertAlreadySet(() -> builder.fencedWriteWait(Duration.ZERO), "fenced write wait was already set to 750 ms");

        Map<String, String> negative = valid();
        negative.put(ShardingSettings.FENCED_WRITE_WAIT, "-1");
        assertProblems(negative, "fenced write wait must be at least 0 ms but was -1 ms");
    }

    @Test
    void apply_reportsMalformedReadFromAndFallback() {
        Map<String, String> p = valid();
        p.put("sharding.read-from", "secondary");
        p.put("sharding.replica.fallback", "maybe");
        p.put("sharding.shard.s0.statement-timeout", "-1");
        assertProblems(p, "sharding.read-from must be primary, replica_preferred or replica_only but was 'secondary'",
                "sharding.replica.fallback must be fail or stale but was 'maybe'",
                "statement timeout of shard 's0' must be at least 0 ms");
    }

    @Test
    void apply_defaultsToTheHashStrategy_andAcceptsJavaUtilProperties() {
        Properties p = new Properties();
        p.putAll(valid());
        ShardedPersistenceBuilder builder = PropertiesConfiguration.apply(p, ShardedPersistence.builder());
        assertAlreadySet(() -> builder.strategy(ShardingStrategies.hash()), "strategy was already set to hash(uniform)");
    }

    @Test
    void apply_readsConsistentHashWithVirtualNodes() {
        Map<String, String> p = valid();
        p.put("sharding.strategy", "Consistent-Hash");
        p.put("sharding.strategy.virtual-nodes", "128");
        ShardedPersistenceBuilder builder = PropertiesConfiguration.apply(p, ShardedPersistence.builder());
        assertAlreadySet(() -> builder.strategy(ShardingStrategies.hash()), "consistent-hash(virtualNodesPerShard=128)");
    }

    @Test
    void fromProperties_failsAtValidation_withTheBuildersProblems() {
        Map<String, String> p = valid();
        p.put("sharding.node-id", "32");
        p.put("sharding.entities", Account.class.getName() + "," + Orphan.class.getName());
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> ShardedPersistence.fromProperties(p));
        assertHasProblems(e, "node id must be between 0 and 31");
    }

    @Test
    void fromProperties_passesHibernateSettingsThrough_andValidationRejectsReservedOnes() {
        Map<String, String> p = valid();
        p.put("hibernate.show_sql", "true");
        p.put("hibernate.hbm2ddl.auto", "create");
        p.put("jakarta.persistence.jdbc.password", PASSWORD);
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> ShardedPersistence.fromProperties(p));
        assertHasProblems(e, "'hibernate.hbm2ddl.auto'", "'jakarta.persistence.jdbc.password'");
        assertEquals(2, e.getProblems().size(), e.getProblems()::toString);
    }

    // ------------------------------------------------------------------ problems

    @Test
    void apply_reportsMissingShards() {
        Map<String, String> p = valid();
        p.remove("sharding.shards");
        assertProblems(p, "sharding.shards is missing");
    }

    @Test
    void apply_reportsMissingUrl() {
        Map<String, String> p = valid();
        p.put("sharding.shard.s1.url", " ");
        assertProblems(p, "sharding.shard.s1.url is missing");
    }

    @Test
    void apply_reportsNonIntegerValues() {
        Map<String, String> p = valid();
        p.put("sharding.maximum-pool-size", "ten");
        p.put("sharding.shard.s0.maximum-pool-size", "5.5");
        p.put("sharding.buckets", "4k");
        ShardingConfigurationException e = assertProblems(p,
                "sharding.maximum-pool-size must be an integer but was 'ten'",
                "sharding.shard.s0.maximum-pool-size must be an integer but was '5.5'",
                "sharding.buckets must be an integer but was '4k'");
        assertEquals(3, e.getProblems().size(), e.getProblems()::toString);
    }

    @Test
    void apply_reportsUnknownShardingKeys_withoutEchoingTheirValues() {
        Map<String, String> p = valid();
        p.put("sharding.shard.s0.pasword", PASSWORD);
        p.put("sharding.shard.s9.url", "jdbc:postgresql://127.0.0.1:1/s9");
        p.put("sharding.bucket-count", "1024");
        ShardingConfigurationException e = assertProblems(p, "unknown setting 'sharding.shard.s0.pasword'",
                "unknown setting 'sharding.shard.s9.url'", "unknown setting 'sharding.bucket-count'");
        assertEquals(3, e.getProblems().size(), e.getProblems()::toString);
    }

    @Test
    void apply_ignoresKeysOutsideShardingHibernateAndJakarta() {
        Map<String, String> p = valid();
        p.put("spring.datasource.url", "whatever");
        p.put("logging.level", "debug");
        PropertiesConfiguration.apply(p, ShardedPersistence.builder());
    }

    @Test
    void apply_reportsUnknownStrategyName() {
        Map<String, String> p = valid();
        p.put("sharding.strategy", "modulo");
        assertProblems(p, "sharding.strategy must be hash, consistent-hash, weighted, range, directory or the class name of a ShardingStrategy but was 'modulo'");
    }

    @Test
    void apply_reportsUnknownSchemaAction() {
        Map<String, String> p = valid();
        p.put("sharding.schema-action", "drop");
        assertProblems(p, "sharding.schema-action must be none, create, update or validate but was 'drop'");
    }

    @Test
    void apply_reportsEntityClassNotFound() {
        Map<String, String> p = valid();
        p.put("sharding.entities", Account.class.getName() + ", com.example.Missing");
        assertProblems(p, "sharding.entities: class com.example.Missing cannot be loaded");
    }

    @Test
    void apply_reportsEveryProblemTogether_andNeverEchoesThePassword() {
        Map<String, String> p = valid();
        p.remove("sharding.shard.s1.url");
        p.put("sharding.strategy", "modulo");
        p.put("sharding.entities", "com.example.Missing");
        p.put("sharding.node-id", "x");
        p.put("sharding.shard.s0.passwd", PASSWORD);
        ShardingConfigurationException e = assertProblems(p, "sharding.shard.s1.url is missing", "'modulo'",
                "com.example.Missing", "sharding.node-id must be an integer", "'sharding.shard.s0.passwd'");
        assertEquals(5, e.getProblems().size(), e.getProblems()::toString);
        assertFalse(e.toString().contains(PASSWORD));
    }

    @Test
    void apply_neverEchoesAPasswordThatLooksLikeAnotherValue() {
        Map<String, String> p = valid();
        p.put("sharding.shard.s0.password", "not-a-number-" + PASSWORD);
        p.put("sharding.node-id", "x");
        assertProblems(p, "sharding.node-id");
    }

    // ------------------------------------------------------------------ bugs

    @Test
    void apply_reportsNonIntegerPerShardMinimumIdle() {
        Map<String, String> p = valid();
        p.put("sharding.shard.s0.minimum-idle", "abc");
        assertProblems(p, "sharding.shard.s0.minimum-idle must be an integer but was 'abc'");
    }

    @Test
    void apply_reportsVirtualNodesOutOfRange_asAProblem() {
        Map<String, String> p = valid();
        p.put("sharding.strategy", "consistent-hash");
        p.put("sharding.strategy.virtual-nodes", "0");
        assertProblems(p, "sharding.strategy.virtual-nodes");
    }

    @Test
    void apply_duplicateShardIdWithPerShardPoolSize_isReportedAsAProblem() {
        Map<String, String> p = valid();
        p.put("sharding.shards", "s0,s1,s0");
        p.put("sharding.shard.s0.maximum-pool-size", "5");
        p.put("sharding.node-id", "32");
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> ShardedPersistence.fromProperties(p));
        assertHasProblems(e, "duplicate shard id 's0'");
    }
}
