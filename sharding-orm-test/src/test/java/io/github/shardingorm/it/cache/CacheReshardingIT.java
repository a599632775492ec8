package io.github.shardingorm.it.cache;

import static io.github.shardingorm.it.cache.CacheFixture.ASIDE;
import static io.github.shardingorm.it.cache.CacheFixture.findBalance;
import static io.github.shardingorm.it.cache.CacheFixture.queryOwner;
import static io.github.shardingorm.it.cache.CacheFixture.sessionBalance;
import static io.github.shardingorm.it.cache.CacheFixture.setBalance;
import static io.github.shardingorm.it.cache.CacheFixture.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.it.cache.model.Account;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, part 4: a bucket that moves away and back never serves an old cached entry. Two
 * instances with every cache on (second-level, query cache, cache-aside) over two shards with the
 * stored topology; instance {@code a} runs the moves, {@code b} only follows the topology. The
 * account is read through every cache path in both instances before each move, written on its new
 * owner after it, and every read afterwards is checked against the owning shard's row (direct SQL).
 */
@PostgresServers(count = 1, settings = {"wal_level=logical", "max_replication_slots=10", "max_wal_senders=10",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off"})
class CacheReshardingIT {

    private String user;

    @Test
    void aBucketThatMovesAwayAndBackNeverServesAnOldEntry(PostgresServerGroup servers) throws Exception {
        PostgresServer server = servers.get(0);
        user = server.username();
        Map<String, String> urls = new java.util.TreeMap<>();
        for (String s : List.of("s0", "s1")) {
            server.createDatabase("cache_rs_" + s);
            urls.put(s, server.jdbcUrl("cache_rs_" + s));
        }
        ShardMap initial = ShardMap.builder(16).version(1).assign(0, 7, "s0").assign(8, 15, "s1").build();
        try (ShardedPersistence a = instance(urls, server.username(), initial, SchemaAction.CREATE);
             ShardedPersistence b = instance(urls, server.username(), initial, SchemaAction.NONE)) {
            long owner = CacheFixture.keyOn(a, "s0", 1_000);
            int bucket = ((ShardedPersistenceImpl) a).router().bucketed().bucketOf(owner);
            a.inTransaction(owner, s -> s.persist(new Account(1L, owner, "acc", 100)));
            long other = CacheFixture.keyOn(a, "s0", owner + 1);
            while (((ShardedPersistenceImpl) a).router().bucketed().bucketOf(other) == bucket) {
                other = CacheFixture.keyOn(a, "s0", other + 1);
            }
            long stay = other;
            a.inTransaction(stay, s -> s.persist(new Account(2L, stay, "stays", 7)));

            readEverywhere(a, b, urls, owner, 1, 100L);
            readEverywhere(a, b, urls, owner, 1, 100L); // now served by the caches
            assertTrue(stats(b, ASIDE, "s0").hits() >= 1, "b's cache-aside holds the account on s0");
            assertTrue(stats(a, CacheFixture.ACCOUNT, "s0").hits() >= 1, "a's second-level cache holds the account on s0");

            move(a, bucket, "s1");
            assertEquals("s1", a.shardOf(owner));
            await("b follows the move", () -> "s1".equals(b.shardOf(owner)));
            readEverywhere(a, b, urls, owner, 1, 100L);
            setBalance(a, owner, 1, 200); // on the new owner: invalidates the entries of s1 only
            afterInvalidation(a, b, owner, 1, 200L);
            readEverywhere(a, b, urls, owner, 1, 200L);
            readEverywhere(a, b, urls, owner, 1, 200L);

            move(a, bucket, "s0");  // back: the entries of s0 from before the first move must be gone
            await("b follows the move back", () -> "s0".equals(b.shardOf(owner)));
            readEverywhere(a, b, urls, owner, 1, 200L);
            setBalance(b, owner, 1, 300);
            afterInvalidation(a, b, owner, 1, 300L);
            readEverywhere(a, b, urls, owner, 1, 300L);

            move(a, bucket, "s1");  // and away again: s1's entries of the second stay must be gone
            await("b follows the second move", () -> "s1".equals(b.shardOf(owner)));
            readEverywhere(a, b, urls, owner, 1, 300L);
            readEverywhere(a, b, urls, stay, 2, 7L); // an account of a bucket that never moved: still right

            assertTrue(stats(a, ASIDE, "s0").evictions() >= 1, "the moves evicted a's cache-aside entries on s0");
            assertTrue(stats(b, ASIDE, "s0").evictions() >= 1, "the moves evicted b's cache-aside entries on s0");
            assertTrue(stats(b, CacheFixture.ACCOUNT, "s1").evictions() >= 1, "the moves evicted b's second-level entries on s1");
        }
    }

    private static ShardedPersistence instance(Map<String, String> urls, String user, ShardMap initial, SchemaAction schema) {
        var builder = ShardedPersistence.builder();
        urls.forEach((id, url) -> builder.shard(id, url, user, ""));
        return builder.entities(Account.class).schema(schema).bucketCount(initial.bucketCount())
                .strategy(ShardingStrategies.hash(initial)).maximumPoolSize(3).connectionTimeout(Duration.ofSeconds(5))
                .cache(CacheFixture.everything()).build();
    }

    private static void move(ShardedPersistence orm, int bucket, String target) {
        ReshardingJob job = orm.resharding().moveBuckets(bucket, bucket, target).plan().start(null);
        job.awaitCompletion();
        assertTrue(job.isDone(), job.progress().toString());
    }

    /** Every cache path in both instances, each read against the row on the owning shard. */
    private void readEverywhere(ShardedPersistence a, ShardedPersistence b, Map<String, String> urls, long owner, long id,
                                long expected) throws Exception {
        String shard = a.shardOf(owner);
        assertEquals(expected, balanceInDatabase(urls.get(shard), user, id), "the row on " + shard);
        for (ShardedPersistence orm : List.of(a, b)) {
            String who = orm == a ? "a" : "b";
            assertEquals(expected, findBalance(orm, owner, id), who + ": findById (cache-aside)");
            assertEquals(expected, sessionBalance(orm, owner, id), who + ": session find (second-level cache)");
            assertEquals(List.of(expected), queryOwner(orm, owner).stream().map(Account::getBalance).toList(),
                    who + ": a cacheable query");
        }
    }

    /**
     * A write in one instance reaches the other's caches by a notification after its commit (README,
     * "Caching": within the invalidation delay, ~55 ms p99 here): wait, bounded, until both
     * instances' cached read paths answer the written value. Moves need no such wait: their
     * evictions happen before the fence is released.
     */
    private static void afterInvalidation(ShardedPersistence a, ShardedPersistence b, long owner, long id, long expected) {
        Long want = expected;
        await("both instances' caches invalidated after the write", () -> List.of(a, b).stream().allMatch(orm ->
                want.equals(findBalance(orm, owner, id)) && want.equals(sessionBalance(orm, owner, id))
                        && List.of(want).equals(queryOwner(orm, owner).stream().map(Account::getBalance).toList())));
    }

    private static Long balanceInDatabase(String url, String user, long id) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, "");
             PreparedStatement ps = c.prepareStatement("SELECT balance FROM cached_account WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        CacheFixture.await(Duration.ofSeconds(10), what, condition);
    }
}
