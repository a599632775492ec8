package io.github.shardingorm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.samples.social.Country;
import io.github.shardingorm.samples.social.SocialService;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The demo's default set-up: in-memory H2 shards. The saga log, its fences and the reference-table
 * fallback must work there too (their SQL differs from PostgreSQL's in a few places).
 */
class SocialSagasOnH2Test {

    @Test
    void followsCompensationsAndReferenceWritesWorkOnH2Shards() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (int i = 0; i < 3; i++) {
            builder.shard("s" + i, "jdbc:h2:mem:h2test_" + run + "_" + i + ";DB_CLOSE_DELAY=-1", "sa", "");
        }
        SocialService.sagas().forEach(builder::saga);
        // a generous connection timeout: under a loaded CI machine the first H2 connections took > 2 s (the default)
        try (ShardedPersistence orm = builder.entities(SocialService.entities()).schema(SchemaAction.CREATE)
                .connectionTimeout(java.time.Duration.ofSeconds(30)).build()) {
            SocialService social = new SocialService(orm);
            orm.references().save(new Country("DE", "Germany"));
            for (String shard : orm.shardIds()) {
                assertEquals("Germany", orm.fromTransactionOnShard(shard, s -> s.find(Country.class, "DE").getName()), shard);
            }
            for (long id = 1; id <= 20; id++) {
                social.register(id, "u" + id, "DE", Instant.now());
            }
            long other = 2;
            while (orm.shardOf(other).equals(orm.shardOf(1L))) {
                other++;
            }
            assertEquals(SagaOutcome.COMPLETED, social.follow(1L, other, Instant.now()).outcome());
            assertEquals(java.util.List.of(other), social.followees(1L));
            assertEquals(java.util.List.of(1L), social.followers(other));

            assertEquals(SagaOutcome.COMPENSATED, social.follow(1L, 9_999L, Instant.now()).outcome());
            assertFalse(social.followees(1L).contains(9_999L));

            assertEquals(SagaOutcome.COMPLETED, social.unfollow(1L, other).outcome());
            assertTrue(social.followees(1L).isEmpty());
            assertTrue(social.followers(other).isEmpty());
            assertTrue(orm.sagas().unfinished().isEmpty());
        }
    }
}
