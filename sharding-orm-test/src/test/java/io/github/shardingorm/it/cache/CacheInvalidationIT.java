package io.github.shardingorm.it.cache;

import static io.github.shardingorm.it.cache.CacheFixture.ACCOUNT;
import static io.github.shardingorm.it.cache.CacheFixture.ASIDE;
import static io.github.shardingorm.it.cache.CacheFixture.await;
import static io.github.shardingorm.it.cache.CacheFixture.balance;
import static io.github.shardingorm.it.cache.CacheFixture.cache;
import static io.github.shardingorm.it.cache.CacheFixture.findBalance;
import static io.github.shardingorm.it.cache.CacheFixture.queryOwner;
import static io.github.shardingorm.it.cache.CacheFixture.sessionBalance;
import static io.github.shardingorm.it.cache.CacheFixture.setBalance;
import static io.github.shardingorm.it.cache.CacheFixture.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.cache.CacheConfig;
import io.github.shardingorm.it.cache.model.Account;
import io.github.shardingorm.it.cache.model.Ledger;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabases;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two instances over the same two shards, every cache on: a write committed by one is not served
 * stale by the other after the other's next read (once the notification arrived); a rolled-back
 * write invalidates nothing; a listener killed and reconnected leaves no stale read behind.
 */
@PostgresShards(count = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheInvalidationIT {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private ShardDatabases databases;
    private ShardedPersistence a;
    private ShardedPersistence b;

    @BeforeAll
    void start(ShardDatabases databases) {
        this.databases = databases;
        a = CacheFixture.instance(databases, SchemaAction.CREATE, CacheFixture.everything());
        b = CacheFixture.instance(databases, SchemaAction.NONE, CacheFixture.everything());
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private long seed(String shard, long id, long balance) {
        long owner = CacheFixture.keyOn(a, shard, 1000 + id * 10);
        a.inTransaction(owner, s -> s.persist(new Account(id, owner, "acc-" + id, balance)));
        return owner;
    }

    @Test
    void aWriteInOneInstanceIsNotServedStaleByTheOther() throws Exception {
        long o0 = seed("s0", 1, 100);
        long o1 = seed("s1", 1, 900); // the same id on the other shard
        assertEquals(100L, findBalance(b, o0, 1));
        assertEquals(900L, findBalance(b, o1, 1));
        assertEquals(100L, findBalance(b, o0, 1));
        assertEquals(100L, sessionBalance(b, o0, 1));
        assertEquals(List.of(100L), queryOwner(b, o0).stream().map(Account::getBalance).toList());
        long asideHits = stats(b, ASIDE, "s0").hits();
        assertTrue(asideHits >= 1, "b's second read of the s0 account hits its cache-aside");
        long otherShardEvictions = stats(b, ASIDE, "s1").evictions();

        setBalance(a, o0, 1, 101);
        assertEquals(101L, findBalance(a, o0, 1), "the writer reads its own write at once");
        await(BOUND, "b to see the write of a", () -> Long.valueOf(101).equals(findBalance(b, o0, 1)));
        await(BOUND, "b's second-level cache to see the write of a", () -> Long.valueOf(101).equals(sessionBalance(b, o0, 1)));
        await(BOUND, "b's query cache to see the write of a",
                () -> queryOwner(b, o0).stream().map(Account::getBalance).toList().equals(List.of(101L)));
        assertEquals(101L, balance(databases.byId("s0"), 1));
        assertEquals(900L, findBalance(b, o1, 1), "the same id on the other shard is untouched");
        assertEquals(otherShardEvictions, stats(b, ASIDE, "s1").evictions(), "nothing was evicted on the other shard");
        assertTrue(stats(b, ASIDE, "s0").evictions() >= 1, "b's cache-aside evicted the s0 entry");
        assertTrue(stats(b, ACCOUNT, "s0").evictions() >= 1, "b's second-level region evicted the s0 entry");

        a.<Account, Long>repository(Account.class).deleteById(o0, 1L);
        await(BOUND, "b to see the delete of a", () -> findBalance(b, o0, 1) == null);
        assertEquals(null, sessionBalance(b, o0, 1));
    }

    @Test
    void startUpRefusesAnEntityCachedNonstrictAndACacheAsideEntityWithAnAssociation() {
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, () -> CacheFixture.builder(databases, SchemaAction.NONE)
                .entities(Ledger.class).cache(CacheConfig.builder().secondLevel().cacheAside(Ledger.class).build()).build());
        assertTrue(e.getMessage().contains("entity " + Ledger.class.getName() + " is cached NONSTRICT_READ_WRITE"), e.getMessage());
        assertTrue(e.getMessage().contains("cache-aside entity " + Ledger.class.getName() + " has attribute 'parent'"), e.getMessage());
    }

    @Test
    void evictBucketsEvictsTheMovedBucketsHereAndInTheOtherInstance() {
        long inMoved = seed("s0", 5, 500);
        long stays = inMoved + 1;
        var router = ((io.github.shardingorm.internal.boot.ShardedPersistenceImpl) a).router();
        while (!a.shardOf(stays).equals("s0") || router.bucketed().bucketOf(stays) == router.bucketed().bucketOf(inMoved)) {
            stays++;
        }
        long staysOwner = stays;
        a.inTransaction(staysOwner, s -> s.persist(new Account(6L, staysOwner, "stays", 600)));
        for (ShardedPersistence orm : List.of(a, b)) {
            assertEquals(500L, findBalance(orm, inMoved, 5));
            assertEquals(600L, findBalance(orm, staysOwner, 6));
        }
        long bEvictions = stats(b, ASIDE, "s0").evictions();
        long aEvictions = stats(a, ASIDE, "s0").evictions();
        cache(a).evictBuckets("s0", java.util.Set.of(router.bucketed().bucketOf(inMoved)));
        assertEquals(aEvictions + 1, stats(a, ASIDE, "s0").evictions(), "a evicted the moved bucket's entry at once");
        await(BOUND, "b to evict the moved bucket's entry", () -> stats(b, ASIDE, "s0").evictions() == bEvictions + 1);
        for (ShardedPersistence orm : List.of(a, b)) {
            long misses = stats(orm, ASIDE, "s0").misses();
            assertEquals(600L, findBalance(orm, staysOwner, 6));
            assertEquals(misses, stats(orm, ASIDE, "s0").misses(), "the entry of a bucket that did not move is still cached");
            assertEquals(500L, findBalance(orm, inMoved, 5));
            assertEquals(misses + 1, stats(orm, ASIDE, "s0").misses(), "the moved bucket's entry is read from the shard again");
        }
    }

    @Test
    void aBulkUpdateThroughTheUnitFlushesTheCachesOfEveryInstance() {
        long o1 = seed("s1", 7, 700);
        for (ShardedPersistence orm : List.of(a, b)) {
            assertEquals(700L, findBalance(orm, o1, 7));
            assertEquals(700L, sessionBalance(orm, o1, 7));
        }
        assertEquals(1L, a.executeUpdate("update CachedAccount a set a.balance = 777 where a.id = :id and a.owner = :o",
                java.util.Map.of("id", 7L, "o", o1)));
        assertEquals(777L, findBalance(a, o1, 7), "the writing instance flushed its caches");
        assertEquals(777L, sessionBalance(a, o1, 7));
        await(BOUND, "b to flush after a's bulk update", () -> Long.valueOf(777).equals(findBalance(b, o1, 7)));
        assertEquals(777L, sessionBalance(b, o1, 7));
    }

    @Test
    void aRolledBackWriteInvalidatesNothing() throws Exception {
        long o0 = seed("s0", 2, 200);
        assertEquals(200L, findBalance(b, o0, 2));
        assertEquals(200L, findBalance(b, o0, 2));
        long evictions = stats(b, ASIDE, "s0").evictions();
        long l2Evictions = stats(b, ACCOUNT, "s0").evictions();
        assertThrows(IllegalStateException.class, () -> a.inTransaction(o0, s -> {
            s.find(Account.class, 2L).setBalance(666);
            s.flush(); // the update and its pg_notify reach the shard, then the transaction rolls back
            throw new IllegalStateException("roll back");
        }));
        // a committed write on the same shard after it: once b has seen this one, it has seen the rolled-back one too
        long marker = seed("s0", 3, 300);
        assertEquals(300L, findBalance(b, marker, 3));
        setBalance(a, marker, 3, 301);
        await(BOUND, "b to see the marker write", () -> Long.valueOf(301).equals(findBalance(b, marker, 3)));
        long hitsBefore = stats(b, ASIDE, "s0").hits();
        assertEquals(200L, findBalance(b, o0, 2));
        assertEquals(hitsBefore + 1, stats(b, ASIDE, "s0").hits(), "the entry of the rolled-back write is still cached");
        assertEquals(evictions + 1, stats(b, ASIDE, "s0").evictions(), "only the marker entry was evicted");
        assertEquals(l2Evictions + 1, stats(b, ACCOUNT, "s0").evictions());
        assertEquals(200L, balance(databases.byId("s0"), 2));
    }

    @Test
    void aListenerKilledAndReconnectedLeavesNoStaleRead() throws Exception {
        long o1 = seed("s1", 4, 400);
        assertEquals(400L, findBalance(b, o1, 4));
        assertEquals(400L, sessionBalance(b, o1, 4));
        long reconnects = cache(b).listenerReconnects("s1");
        long losses = cache(b).listenerLosses("s1");

        assertEquals(1, CacheFixture.killListener(databases.byId("s1"), b));
        // noticed AND flushed: listenerUp turns false before the flush, and a read between the two hit the old entry
        await(BOUND, "b to notice its s1 listener is gone and flush s1", () -> cache(b).listenerLosses("s1") > losses);
        setBalance(a, o1, 4, 401); // its notification reaches no one in b
        assertEquals(401L, findBalance(b, o1, 4), "while b does not listen, its caches of s1 are bypassed");
        assertEquals(401L, sessionBalance(b, o1, 4));
        await(BOUND, "b's s1 listener to reconnect", () -> cache(b).listenerReconnects("s1") > reconnects && cache(b).listenerUp("s1"));
        assertEquals(401L, findBalance(b, o1, 4));
        assertEquals(401L, sessionBalance(b, o1, 4));

        // killed again, and a write lands before b notices: the flush on reconnect still catches it
        assertEquals(1, CacheFixture.killListener(databases.byId("s1"), b));
        setBalance(a, o1, 4, 402);
        await(BOUND, "b's s1 listener to reconnect again", () -> cache(b).listenerReconnects("s1") > reconnects + 1 && cache(b).listenerUp("s1"));
        assertEquals(402L, findBalance(b, o1, 4));
        assertEquals(402L, sessionBalance(b, o1, 4));
        setBalance(a, o1, 4, 403);
        await(BOUND, "b to see writes after the reconnect", () -> Long.valueOf(403).equals(findBalance(b, o1, 4)));
        assertEquals(0, cache(a).capturesInFlight());
        assertEquals(0, cache(b).capturesInFlight());
    }
}
