package io.github.shardingorm.it.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.it.query.model.Article;
import io.github.shardingorm.it.query.model.Author;
import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardQueryException;
import io.github.shardingorm.query.ShardedResult;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A shard whose server is killed: with {@link FailurePolicy#FAIL} a fan-out throws naming it
 * (with its {@link ShardUnavailableException}), with {@link FailurePolicy#PARTIAL} it returns the
 * other shards' rows and names the missing shard; keyed queries to live shards are unaffected.
 * Shards s0, s2 and s3 live on one server, s1 alone on another.
 */
@PostgresServers(count = 2)
class QueryFailurePolicyIT {

    @Test
    void aKilledShardFailsTheFanOutOrIsReportedMissing(PostgresServerGroup servers) {
        PostgresServer main = servers.get(0);
        PostgresServer lone = servers.get(1);
        for (String db : List.of("q_s0", "q_s2", "q_s3")) {
            main.createDatabase(db);
        }
        lone.createDatabase("q_s1");
        try (ShardedPersistence orm = ShardedPersistence.builder()
                .shard("s0", main.jdbcUrl("q_s0"), main.username(), null)
                .shard("s1", lone.jdbcUrl("q_s1"), lone.username(), null)
                .shard("s2", main.jdbcUrl("q_s2"), main.username(), null)
                .shard("s3", main.jdbcUrl("q_s3"), main.username(), null)
                .entities(Article.class, Author.class).schema(SchemaAction.CREATE)
                .connectionTimeout(Duration.ofMillis(1000)).maximumPoolSize(2)
                .build()) {
            ShardedRepository<Article, Long> articles = orm.repository(Article.class);
            List<Article> batch = new ArrayList<>();
            for (long author = 1; author <= 40; author++) {
                batch.add(new Article(author, author, 1, "c", BigDecimal.ONE, "b"));
            }
            articles.saveAll(batch);
            long onS1 = batch.stream().filter(a -> orm.shardOf(a.getAuthorId()).equals("s1")).count();
            long liveKey = batch.stream().map(Article::getAuthorId).filter(k -> !orm.shardOf(k).equals("s1")).findFirst().orElseThrow();
            assertTrue(onS1 > 0 && onS1 < 40);

            lone.kill();

            long start = System.nanoTime();
            ShardQueryException failed = assertThrows(ShardQueryException.class,
                    () -> articles.query("select a from Article a order by a.createdAt").list());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Set.of("s1"), failed.getFailures().keySet(), failed.getMessage());
            assertInstanceOf(ShardUnavailableException.class, failed.getFailures().get("s1"));
            assertTrue(failed.getMessage().contains("'s1'"), failed.getMessage());
            assertTrue(millis < 10_000, "took " + millis + " ms");

            ShardedResult<Article> partial = articles.query("select a from Article a order by a.createdAt")
                    .failurePolicy(FailurePolicy.PARTIAL).result();
            assertTrue(partial.isPartial());
            assertEquals(Set.of("s1"), partial.missingShards().keySet());
            assertInstanceOf(ShardUnavailableException.class, partial.missingShards().get("s1"));
            assertEquals(40 - onS1, partial.rows().size());
            assertTrue(partial.rows().stream().noneMatch(a -> orm.shardOf(a.getAuthorId()).equals("s1")));
            assertEquals(Set.of("s0", "s1", "s2", "s3"), partial.queriedShards());

            Long partialCount = orm.query("select count(a) from Article a", Long.class).failurePolicy(FailurePolicy.PARTIAL)
                    .single().orElseThrow();
            assertEquals(40 - onS1, partialCount);
            try (Stream<Article> stream = articles.query("select a from Article a order by a.id").failurePolicy(FailurePolicy.PARTIAL).stream()) {
                assertEquals(40 - onS1, stream.count());
            }
            assertThrows(ShardQueryException.class, () -> articles.query("select a from Article a order by a.id").stream());

            assertEquals(1, articles.query("select a from Article a where a.authorId = :k").param("k", liveKey).list().size(),
                    "a keyed query to a live shard is unaffected");
            ShardQueryException bulk = assertThrows(ShardQueryException.class,
                    () -> orm.executeUpdate("update Article a set a.score = 2", Map.of()));
            assertTrue(bulk.getMessage().contains("committed on [s0, s2, s3]") && bulk.getFailures().containsKey("s1"), bulk.getMessage());
        }
    }
}
