package io.github.shardingorm.it.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.it.adoption.model.Coded;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.test.ShardedPersistenceConfigurer;
import io.github.shardingorm.test.ShardedPersistenceTest;
import jakarta.validation.ConstraintViolationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code @ShardedPersistenceTest} bent by a configurer (a strategy, a saga) and by properties (a
 * Hibernate setting), on 2 real PostgreSQL shards (issue 13 part 8).
 */
@ShardedPersistenceTest(shards = 2, entities = Coded.class, configurer = BendableTestSupportIT.Ranged.class,
        properties = {"jakarta.persistence.validation.mode=CALLBACK", "sharding.pool.maxLifetime=600000"})
class BendableTestSupportIT {

    static final class Ranged implements ShardedPersistenceConfigurer {
        @Override
        public void configure(ShardedPersistenceBuilder builder) {
            builder.strategy(ShardingStrategies.range().shard("s0", null, 100L).shard("s1", 100L, null).build());
            builder.saga(SagaDefinition.named("rename")
                    .step("write", a -> a.get("id", Long.class), (s, a) -> s.persist(new Coded(a.get("id", Long.class), "ok")), null)
                    .build());
        }
    }

    @Test
    void theConfigurersStrategySagaAndSettingsAreInForce(ShardedPersistence orm) {
        assertEquals("s0", orm.shardOf(5L));
        assertEquals("s1", orm.shardOf(500L));
        assertEquals(SagaOutcome.COMPLETED, orm.sagas().start("rename", Map.of("id", 150L)).outcome());
        assertEquals("ok", orm.repository(Coded.class).findById(150L).orElseThrow().getCode());
        assertThrows(ConstraintViolationException.class, () -> orm.repository(Coded.class).save(new Coded(7L, "too long")),
                "the Hibernate setting from properties is in force");
    }
}
