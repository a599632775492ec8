package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardKey;
import io.github.shardingorm.routing.ShardingStrategies;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigurationValidatorTest {

    @Entity
    static class Account {
        @Id
        @ShardKey
        Long id;
    }

    private static final String PASSWORD = "s3cr3t-pw";

    /** A valid configuration that each test breaks in one or more ways. */
    private static final class Config {
        List<ShardDefinition> shards = new ArrayList<>(List.of(
                new ShardDefinition("s0", "jdbc:postgresql://127.0.0.1:1/s0", "app", PASSWORD),
                new ShardDefinition("s1", "jdbc:postgresql://127.0.0.1:1/s1", "app", PASSWORD)));
        Map<String, Integer> poolSizes = new LinkedHashMap<>();
        List<Class<?>> entities = new ArrayList<>(List.of(Account.class));
        int bucketCount = 4096;
        SchemaAction schemaAction = SchemaAction.NONE;
        long timeoutMillis = 2000;
        int maximumPoolSize = 10;
        Integer minimumIdle;
        int nodeId;
        int batchSize = 50;
        Map<String, Object> hibernate = new LinkedHashMap<>();

        ShardingConfiguration build() {
            return new ShardingConfiguration(shards, entities, schemaAction,
                    new RoutingSettings(ShardingStrategies.hash(), bucketCount, nodeId),
                    new PoolSettings(timeoutMillis, maximumPoolSize, minimumIdle, poolSizes, Map.of()),
                    new SessionSettings(batchSize, hibernate), new QuerySettings(4), CrossShardWrites.DEFAULTS, TopologySettings.DEFAULTS,
                    io.github.shardingorm.cache.CacheConfig.disabled(), ObservabilitySettings.DEFAULTS);
        }

        List<String> problems() {
            return ConfigurationValidator.validate(build());
        }
    }

    private static String onlyProblem(Config config) {
        List<String> problems = config.problems();
        assertEquals(1, problems.size(), problems::toString);
        assertFalse(problems.get(0).contains(PASSWORD), problems.get(0));
        return problems.get(0);
    }

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), () -> "expected '" + part + "' in: " + text);
        }
    }

    @Test
    void validate_acceptsAValidConfiguration() {
        assertEquals(List.of(), new Config().problems());
    }

    @Test
    void validate_acceptsTheBoundaries() {
        Config config = new Config();
        config.bucketCount = 65536;
        config.timeoutMillis = 250;
        config.maximumPoolSize = 1000;
        config.minimumIdle = 0;
        config.nodeId = 31;
        config.batchSize = 10000;
        config.poolSizes.put("s1", 1);
        config.hibernate.put("hibernate.show_sql", true);
        config.hibernate.put("hibernate.format_sql", "true");
        config.shards.add(new ShardDefinition("A_b-9".repeat(12) + "xyz", "jdbc:postgresql://h/2", null, null));
        assertEquals(List.of(), config.problems());
    }

    @Test
    void validate_reportsNoShards() {
        Config config = new Config();
        config.shards.clear();
        assertContains(onlyProblem(config), "shards", "at least one shard");
    }

    @Test
    void validate_reportsNoEntities() {
        Config config = new Config();
        config.entities.clear();
        assertContains(onlyProblem(config), "entities", "at least one entity");
    }

    @Test
    void validate_reportsDuplicateShardId() {
        Config config = new Config();
        config.shards.add(new ShardDefinition("s0", "jdbc:postgresql://127.0.0.1:1/other", null, null));
        assertContains(onlyProblem(config), "duplicate shard id 's0'");
    }

    @Test
    void validate_reportsTheSameUrlTwice_withThePasswordMasked() {
        Config config = new Config();
        String url = "jdbc:postgresql://app:" + PASSWORD + "@127.0.0.1:1/x?password=" + PASSWORD;
        config.shards.set(0, new ShardDefinition("s0", url, "app", PASSWORD));
        config.shards.set(1, new ShardDefinition("s1", url, "app", PASSWORD));
        assertContains(onlyProblem(config), "shard 's1'", "same JDBC URL", "127.0.0.1:1/x", "****");
    }

    @Test
    void validate_reportsShardIdsThatBreakThePattern() {
        for (String bad : new String[] {"bad id", "s0!", "schema.s0", "x".repeat(64), "ünï"}) {
            Config config = new Config();
            config.shards.add(new ShardDefinition(bad, "jdbc:postgresql://127.0.0.1:1/" + config.shards.size(), null, PASSWORD));
            assertContains(onlyProblem(config), "shards[2].id", "letters, digits", bad);
        }
    }

    @Test
    void validate_reportsBlankShardIdAndUrl() {
        Config config = new Config();
        config.shards.add(new ShardDefinition(" ", " ", null, PASSWORD));
        List<String> problems = config.problems();
        String all = String.join("\n", problems);
        assertContains(all, "shards[2].id", "must not be blank", "shards[2].jdbcUrl", "JDBC URL must not be blank");
        assertFalse(all.contains(PASSWORD), all);
    }

    @Test
    void validate_reportsBucketCountOutOfRange() {
        Config config = new Config();
        config.bucketCount = 0;
        assertContains(onlyProblem(config), "bucketCount", "at least 1", "was: 0");
        config.bucketCount = 70000;
        assertContains(onlyProblem(config), "bucketCount", "at most 65536", "was: 70000");
    }

    @Test
    void validate_reportsConnectionTimeoutBelow250ms() {
        Config config = new Config();
        config.timeoutMillis = 100;
        assertContains(onlyProblem(config), "connectionTimeoutMillis", "at least 250 ms", "was: 100");
    }

    @Test
    void validate_reportsPoolSizeOutOfRange() {
        Config config = new Config();
        config.maximumPoolSize = 0;
        assertContains(onlyProblem(config), "maximumPoolSize", "at least 1", "was: 0");
        config.maximumPoolSize = 1001;
        assertContains(onlyProblem(config), "maximumPoolSize", "at most 1000");
    }

    @Test
    void validate_reportsPerShardPoolSizeOutOfRange_andForUnknownShard() {
        Config config = new Config();
        config.poolSizes.put("s0", 0);
        config.poolSizes.put("s7", 5);
        List<String> problems = config.problems();
        assertEquals(2, problems.size(), problems::toString);
        String all = String.join("\n", problems);
        assertContains(all, "maximum pool size of shard 's0' must be between 1 and 1000 but was 0",
                "maximum pool size set for unknown shard 's7'", "s0", "s1");
    }

    @Test
    void validate_reportsNegativeMinimumIdle_once() {
        Config config = new Config();
        config.minimumIdle = -1;
        assertContains(onlyProblem(config), "minimumIdle", ">= 0");
    }

    @Test
    void validate_reportsNodeIdOutOfRange() {
        Config config = new Config();
        config.nodeId = 32;
        assertContains(onlyProblem(config), "nodeId", "between 0 and 31", "was: 32");
        config.nodeId = -1;
        assertContains(onlyProblem(config), "nodeId", "between 0 and 31");
    }

    @Test
    void validate_reportsBatchSizeOutOfRange() {
        Config config = new Config();
        config.batchSize = 0;
        assertContains(onlyProblem(config), "jdbcBatchSize", "at least 1");
    }

    @Test
    void validate_reportsNullSchemaAction() {
        Config config = new Config();
        config.schemaAction = null;
        assertContains(onlyProblem(config), "schemaAction");
    }

    @Test
    void validate_reportsReservedHibernateSettings_namingThemButNotTheirValues() {
        for (String reserved : new String[] {"hibernate.connection.url", "hibernate.connection.password",
                "hibernate.hbm2ddl.auto", "jakarta.persistence.jdbc.password", "javax.persistence.jdbc.url",
                "hibernate.multi_tenant_connection_provider", "hibernate.tenant_identifier_resolver",
                "jakarta.persistence.schema-generation.database.action"}) {
            Config config = new Config();
            config.hibernate.put(reserved, PASSWORD);
            assertContains(onlyProblem(config), "'" + reserved + "'", "managed by sharding-orm");
        }
    }

    @Test
    void validate_reportsEveryProblemTogether() {
        Config config = new Config();
        config.shards.add(new ShardDefinition("s0", "jdbc:postgresql://127.0.0.1:1/s0", null, PASSWORD));
        config.shards.add(new ShardDefinition("bad id", "jdbc:postgresql://127.0.0.1:1/b", null, PASSWORD));
        config.entities.clear();
        config.bucketCount = 0;
        config.timeoutMillis = 100;
        config.maximumPoolSize = 0;
        config.nodeId = 32;
        config.hibernate.put("hibernate.hbm2ddl.auto", "create");
        List<String> problems = config.problems();
        String all = String.join("\n", problems);
        assertContains(all, "entities", "bucketCount", "connectionTimeoutMillis", "maximumPoolSize", "nodeId",
                "shards[3].id", "duplicate shard id 's0'", "same JDBC URL", "'hibernate.hbm2ddl.auto'");
        assertEquals(9, problems.size(), problems::toString);
        assertFalse(all.contains(PASSWORD), all);
    }
}
