package io.github.shardingorm;

import io.github.shardingorm.routing.ShardingStrategies;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * build() must report every configuration problem before it opens a single connection. The shards
 * use {@code jdbc:spy:} URLs served by {@link SpyDriver}, which counts connection attempts and
 * always refuses; a test that expects a validation failure also checks that the count stayed 0.
 */
class ShardedPersistenceBuilderTest {

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

    /** Counts connection attempts to {@code jdbc:spy:} URLs and refuses every one. */
    static final class SpyDriver implements Driver {
        static final AtomicInteger CONNECTS = new AtomicInteger();

        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            if (!acceptsURL(url)) {
                return null;
            }
            CONNECTS.incrementAndGet();
            throw new SQLException("spy driver refuses " + url, "08001");
        }

        @Override
        public boolean acceptsURL(String url) {
            return url != null && url.startsWith("jdbc:spy:");
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }
    }

    private static final SpyDriver DRIVER = new SpyDriver();
    private static final String PASSWORD = "s3cr3t-pw";

    @BeforeAll
    static void registerSpyDriver() throws SQLException {
        DriverManager.registerDriver(DRIVER);
    }

    @AfterAll
    static void deregisterSpyDriver() throws SQLException {
        DriverManager.deregisterDriver(DRIVER);
    }

    @BeforeEach
    void resetSpy() {
        SpyDriver.CONNECTS.set(0);
    }

    private static String url(String name) {
        return "jdbc:spy://127.0.0.1:1/" + name;
    }

    private static ShardedPersistenceBuilder twoShards() {
        return ShardedPersistence.builder()
                .shard("s0", url("s0"), "app", PASSWORD)
                .shard("s1", url("s1"), "app", PASSWORD)
                .connectionTimeout(Duration.ofMillis(250));
    }

    /** Builds, expects a configuration exception with every fragment in some problem, and no connection attempt. */
    private static ShardingConfigurationException assertRejectedBeforeConnecting(ShardedPersistenceBuilder builder,
                                                                               String... expectedProblems) {
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, builder::build);
        List<String> problems = e.getProblems();
        for (String expected : expectedProblems) {
            assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                    () -> "no problem mentions '" + expected + "' in " + problems);
        }
        assertEquals(0, SpyDriver.CONNECTS.get(), "a connection was attempted before validation finished");
        assertTrue(problems.stream().noneMatch(p -> p.contains("unreachable")), problems::toString);
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        assertTrue(e.getMessage().startsWith("sharding-orm configuration has " + problems.size() + " problem"), e.getMessage());
        return e;
    }

    private static void assertIllegalState(Executable call, String... messageParts) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ control

    @Test
    void build_withAValidConfiguration_goesOnToTheConnectionCheck() {
        // proves the spy sees connections, so the 0 counts below mean something
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> twoShards().entities(Account.class).build());
        assertTrue(SpyDriver.CONNECTS.get() > 0, "the spy driver saw no connection");
        assertEquals(2, e.getProblems().size(), e.getProblems()::toString);
        assertTrue(e.getProblems().get(0).contains("shard 's0'") && e.getProblems().get(0).contains("unreachable"),
                e.getProblems()::toString);
        assertTrue(e.getProblems().get(0).contains("SQLState 08001"), e.getProblems()::toString);
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    // ------------------------------------------------------------------ single problems

    @Test
    void build_withoutShards_isRejected() {
        assertRejectedBeforeConnecting(ShardedPersistence.builder().entities(Account.class), "at least one shard");
    }

    @Test
    void build_withoutEntities_isRejected() {
        assertRejectedBeforeConnecting(twoShards(), "at least one entity");
    }

    @Test
    void build_withDuplicateShardId_isRejected() {
        assertRejectedBeforeConnecting(twoShards().shard("s0", url("other"), null, null).entities(Account.class),
                "duplicate shard id 's0'");
    }

    @Test
    void build_withTheSameUrlTwice_isRejected() {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder()
                .shard("s0", "jdbc:postgresql://127.0.0.1:1/x", "app", PASSWORD)
                .shard("s1", "jdbc:postgresql://127.0.0.1:1/x", "app", PASSWORD)
                .entities(Account.class);
        assertRejectedBeforeConnecting(builder, "shard 's1' uses the same JDBC URL", "127.0.0.1:1/x");
    }

    @Test
    void build_withBadShardId_isRejected() {
        assertRejectedBeforeConnecting(twoShards().shard("eu west", url("eu"), null, null).entities(Account.class),
                "shards[2].id", "letters, digits");
    }

    @Test
    void build_withBucketCountZero_isRejected() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class).bucketCount(0), "bucket count must be at least 1");
    }

    @Test
    void build_withBucketCount70000_isRejected() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class).bucketCount(70000), "bucket count must be at most 65536");
    }

    @Test
    void build_withConnectionTimeout100ms_isRejected() {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder()
                .shard("s0", url("s0"), null, null)
                .entities(Account.class)
                .connectionTimeout(Duration.ofMillis(100));
        assertRejectedBeforeConnecting(builder, "connection timeout must be at least 250 ms");
    }

    @Test
    void build_withPoolSizeZero_isRejected() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class).maximumPoolSize(0), "maximum pool size must be at least 1");
        resetSpy();
        assertRejectedBeforeConnecting(twoShards().entities(Account.class).maximumPoolSize("s1", 0),
                "maximum pool size of shard 's1' must be between 1 and 1000 but was 0");
    }

    @Test
    void build_withNodeId32_isRejected() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class).nodeId(32), "node id must be between 0 and 31");
    }

    @Test
    void build_withReservedHibernateSettings_isRejected() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class)
                        .hibernateProperty("hibernate.connection.url", "jdbc:postgresql://elsewhere/db")
                        .hibernateProperty("hibernate.hbm2ddl.auto", "create-drop")
                        .hibernateProperty("hibernate.show_sql", true),
                "'hibernate.connection.url'", "'hibernate.hbm2ddl.auto'");
    }

    @Test
    void build_withEntityWithoutKey_isRejected() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class, Orphan.class), "Orphan", "no @ShardKey");
    }

    @Test
    void build_withUnknownShardInWeightedStrategy_isRejected() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class)
                .strategy(ShardingStrategies.weighted(Map.of("s0", 1, "s1", 1, "s9", 2))), "s9");
    }

    // ------------------------------------------------------------------ every problem at once

    @Test
    void build_reportsEveryValidationProblemInOneException() {
        ShardedPersistenceBuilder builder = twoShards()
                .shard("s0", url("s1"), null, PASSWORD)
                .shard("bad id", url("b"), null, PASSWORD)
                .bucketCount(0)
                .maximumPoolSize(0)
                .nodeId(32)
                .hibernateProperty("hibernate.hbm2ddl.auto", "update");
        ShardingConfigurationException e = assertRejectedBeforeConnecting(builder, "at least one entity",
                "duplicate shard id 's0'", "same JDBC URL", "shards[3].id", "bucket count must be at least 1",
                "maximum pool size must be at least 1", "node id must be between 0 and 31", "'hibernate.hbm2ddl.auto'");
        assertTrue(e.getMessage().contains("\n  - "), e.getMessage());
    }

    @Test
    void build_reportsEntityWithoutKey_andUnknownShardInWeightedStrategy_together() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class, Orphan.class)
                        .strategy(ShardingStrategies.weighted(Map.of("s0", 1, "s1", 1, "s9", 2))),
                "s9", "Orphan");
    }

    @Test
    void build_reportsEntityWithoutKey_andUnknownShardInRangeStrategy_together() {
        assertRejectedBeforeConnecting(twoShards().entities(Account.class, Orphan.class)
                        .strategy(ShardingStrategies.range().shard("s0", null, 100).shard("s9", 100, null).build()),
                "s9", "Orphan");
    }

    @Test
    void build_reportsEntityWithoutKey_evenWithoutShardsOrWithBadBucketCount() {
        assertRejectedBeforeConnecting(ShardedPersistence.builder().entities(Orphan.class), "at least one shard", "Orphan");
        assertRejectedBeforeConnecting(twoShards().entities(Orphan.class).bucketCount(0), "bucket count", "Orphan");
    }

    // ------------------------------------------------------------------ builder rules

    @Test
    void settingsGivenTwice_areRejected_namingTheValueAlreadySet() {
        ShardedPersistenceBuilder builder = twoShards();
        builder.strategy(ShardingStrategies.hash());
        assertIllegalState(() -> builder.strategy(ShardingStrategies.consistentHash(100)), "strategy was already set to", "hash");
        builder.bucketCount(1024);
        assertIllegalState(() -> builder.bucketCount(2048), "bucket count was already set to 1024");
        assertIllegalState(() -> builder.connectionTimeout(Duration.ofSeconds(1)), "connection timeout was already set to PT0.25S");
        builder.schema(SchemaAction.UPDATE);
        assertIllegalState(() -> builder.schema(SchemaAction.CREATE), "schema action was already set to UPDATE");
        builder.maximumPoolSize(5);
        assertIllegalState(() -> builder.maximumPoolSize(6), "maximum pool size was already set to 5");
        builder.maximumPoolSize("s0", 3);
        assertIllegalState(() -> builder.maximumPoolSize("s0", 4), "maximum pool size of shard 's0' was already set to 3");
        builder.minimumIdle(1);
        assertIllegalState(() -> builder.minimumIdle(2), "minimum idle was already set to 1");
        builder.nodeId(4);
        assertIllegalState(() -> builder.nodeId(5), "node id was already set to 4");
        builder.jdbcBatchSize(20);
        assertIllegalState(() -> builder.jdbcBatchSize(30), "JDBC batch size was already set to 20");
    }

    @Test
    void nullArguments_areRejectedAtOnce() {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        assertThrows(NullPointerException.class, () -> builder.shard(null, url("x"), null, null));
        NullPointerException e = assertThrows(NullPointerException.class, () -> builder.shard("s5", null, null, null));
        assertTrue(e.getMessage().contains("s5"), e.getMessage());
        assertThrows(NullPointerException.class, () -> builder.strategy(null));
        assertThrows(NullPointerException.class, () -> builder.entities(Account.class, null));
        assertThrows(NullPointerException.class, () -> builder.hibernateProperty("hibernate.show_sql", null));
    }

    @Test
    void build_twice_isRejected() {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder().entities(Account.class);
        assertThrows(ShardingConfigurationException.class, builder::build);
        assertIllegalState(builder::build, "already built");
        assertIllegalState(() -> builder.shard("s0", url("s0"), null, null), "already built");
        assertEquals(0, SpyDriver.CONNECTS.get());
    }

    // ------------------------------------------------------------------ secrets

    @Test
    void passwords_neverAppearInToStringOrMessages() {
        String secretUrl = "jdbc:spy://app:" + PASSWORD + "@127.0.0.1:1/x?password=" + PASSWORD;
        ShardedPersistenceBuilder builder = ShardedPersistence.builder()
                .shard("s0", secretUrl, "app", PASSWORD)
                .shard("s1", secretUrl, "app", PASSWORD)
                .shard("bad id", "jdbc:spy://h/" + PASSWORD.length(), "app", PASSWORD)
                .hibernateProperty("hibernate.connection.password", PASSWORD)
                .entities(Account.class);
        String text = builder.toString();
        assertFalse(text.contains(PASSWORD), text);
        assertTrue(text.contains("s0") && text.contains("Account"), text);
        ShardingConfigurationException e = assertRejectedBeforeConnecting(builder, "same JDBC URL",
                "'hibernate.connection.password'", "shards[2].id");
        assertFalse(e.toString().contains(PASSWORD), e.toString());
        assertFalse(String.join("\n", e.getProblems()).contains(PASSWORD));
    }
}
