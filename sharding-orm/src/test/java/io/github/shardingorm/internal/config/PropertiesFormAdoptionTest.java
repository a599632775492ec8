package io.github.shardingorm.internal.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.spi.ShardingStrategy;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The properties form covers every builder setting (issue 13 part 2): range and directory strategies
 * in a small text form, a strategy or sagas by class name, HikariCP settings, a user's DataSource;
 * every mistake is a problem found before anything connects.
 */
class PropertiesFormAdoptionTest {

    @Entity
    static class Account {
        @Id
        @ShardKey
        Long id;
    }

    /** A strategy by class name: a supplier with a public no-argument constructor. */
    public static final class TwoRanges implements Supplier<ShardingStrategy> {
        @Override
        public ShardingStrategy get() {
            return ShardingStrategies.range().shard("s0", null, 100L).shard("s1", 100L, null).build();
        }
    }

    /** A saga by class name. */
    public static final class NoopSaga implements Supplier<SagaDefinition> {
        @Override
        public SagaDefinition get() {
            return SagaDefinition.named("noop").step("only", a -> 1L, (s, a) -> { }, null).build();
        }
    }

    private static Map<String, Object> valid() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("sharding.shards", "s0,s1");
        p.put("sharding.shard.s0.url", "jdbc:postgresql://127.0.0.1:1/s0");
        p.put("sharding.shard.s1.url", "jdbc:postgresql://127.0.0.1:1/s1");
        p.put("sharding.entities", Account.class.getName());
        return p;
    }

    private static String strategyOf(ShardedPersistenceBuilder builder) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder.strategy(ShardingStrategies.hash()));
        return e.getMessage();
    }

    @Test
    void rangeStrategyInTextForm() {
        Map<String, Object> p = valid();
        p.put("sharding.strategy", "range");
        p.put("sharding.strategy.ranges", "s0:..1000, s1:1000..");
        String strategy = strategyOf(PropertiesConfiguration.apply(p, ShardedPersistence.builder()));
        assertTrue(strategy.contains("range") && strategy.contains("1000") && strategy.contains("s1"), strategy);
    }

    @Test
    void directoryStrategyInTextForm() {
        Map<String, Object> p = valid();
        p.put("sharding.strategy", "directory");
        p.put("sharding.strategy.directory", "eu:s0, us:s1, 7:s1");
        p.put("sharding.strategy.directory.default", "s0");
        String strategy = strategyOf(PropertiesConfiguration.apply(p, ShardedPersistence.builder()));
        assertTrue(strategy.contains("directory{entries=3, default=s0"), strategy);
    }

    @Test
    void strategyAndSagasByClassName() {
        Map<String, Object> p = valid();
        p.put("sharding.strategy", TwoRanges.class.getName());
        p.put("sharding.sagas", NoopSaga.class.getName());
        ShardedPersistenceBuilder builder = PropertiesConfiguration.apply(p, ShardedPersistence.builder());
        String strategy = strategyOf(builder);
        assertTrue(strategy.contains("range"), strategy);
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> builder.saga(new NoopSaga().get()));
        assertTrue(again.getMessage().contains("saga type 'noop' was already registered"), again.getMessage());
    }

    @Test
    void anUnknownStrategyClassIsAClearProblem() {
        Map<String, Object> p = valid();
        p.put("sharding.strategy", "com.example.NoSuchStrategy");
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, () -> ShardedPersistence.fromProperties(p));
        assertTrue(e.getProblems().stream().anyMatch(m -> m.contains("sharding.strategy: class com.example.NoSuchStrategy cannot be loaded")),
                e.getProblems()::toString);
        p.put("sharding.strategy", String.class.getName());
        ShardingConfigurationException notAStrategy = assertThrows(ShardingConfigurationException.class, () -> ShardedPersistence.fromProperties(p));
        assertTrue(notAStrategy.getMessage().contains("neither a ShardingStrategy nor a Supplier"), notAStrategy.getMessage());
    }

    @Test
    void badTextFormsArePrecise() {
        Map<String, Object> p = valid();
        p.put("sharding.strategy", "range");
        p.put("sharding.strategy.ranges", "s0 ..1000, s1:2000..1000");
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, () -> ShardedPersistence.fromProperties(p));
        String all = String.join("\n", e.getProblems());
        assertTrue(all.contains("'s0 ..1000' is not shard:lower..upper") && all.contains("empty"), all);
    }

    @Test
    void poolSettingsGloballyAndPerShard_areCheckedBeforeConnecting() {
        Map<String, Object> p = valid();
        p.put("sharding.pool.maxLifetime", "1800000");
        p.put("sharding.pool.leakDetectionThreshold", "30000");
        p.put("sharding.shard.s1.pool.keepaliveTime", "60000");
        p.put("sharding.shard.s1.pool.maxLifeTimeTypo", "1");
        p.put("sharding.pool.jdbcUrl", "jdbc:postgresql://elsewhere/x");
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, () -> ShardedPersistence.fromProperties(p));
        String all = String.join("\n", e.getProblems());
        assertTrue(all.contains("pool property 'maxLifeTimeTypo' of shard 's1' is not accepted by HikariCP"), all);
        assertTrue(all.contains("pool property 'jdbcUrl' is set by sharding-orm itself"), all);
        assertFalse(all.contains("maxLifetime'") || all.contains("keepaliveTime"), all);
        assertFalse(all.contains("unreachable"), "nothing was connected to: " + all);
    }

    @Test
    void aShardMayBeAUsersDataSource_butNotAString() {
        Map<String, Object> p = valid();
        p.remove("sharding.shard.s1.url");
        p.put("sharding.shard.s1.datasource", "java:comp/env/jdbc/s1");
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, () -> ShardedPersistence.fromProperties(p));
        assertTrue(e.getMessage().contains("sharding.shard.s1.datasource must be a javax.sql.DataSource instance"), e.getMessage());
    }
}
