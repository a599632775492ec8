package io.github.shardingorm.it.cache;

import static io.github.shardingorm.it.cache.CacheFixture.ACCOUNT;
import static io.github.shardingorm.it.cache.CacheFixture.ASIDE;
import static io.github.shardingorm.it.cache.CacheFixture.await;
import static io.github.shardingorm.it.cache.CacheFixture.balance;
import static io.github.shardingorm.it.cache.CacheFixture.findBalance;
import static io.github.shardingorm.it.cache.CacheFixture.sessionBalance;
import static io.github.shardingorm.it.cache.CacheFixture.setBalance;
import static io.github.shardingorm.it.cache.CacheFixture.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.cache.model.Account;
import io.github.shardingorm.it.cache.model.LoadHook;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A slow reader cannot put back a value older than a concurrent write: the reader is stopped after
 * it read the shard and before it put, the write commits and its invalidation is applied, then the
 * reader goes on; its put must be refused (the lease is gone) and the next read must see the write.
 * Then the same race, unforced, many times: 0 stale entries at the end.
 */
@PostgresShards(count = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheRaceIT {

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

    @AfterEach
    void clearHook() {
        LoadHook.onLoad = null;
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
        long owner = CacheFixture.keyOn(a, shard, 5000 + id * 10);
        a.inTransaction(owner, s -> s.persist(new Account(id, owner, "race-" + id, balance)));
        return owner;
    }

    /** Runs {@code findById} on b in another thread, stopped right after it read the shard. */
    private Future<Long> stoppedReader(ExecutorService pool, long owner, long id, CountDownLatch read, CountDownLatch go) {
        Thread[] reader = new Thread[1];
        LoadHook.onLoad = account -> {
            if (Thread.currentThread() == reader[0] && account.getId() == id) {
                read.countDown();
                try {
                    go.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        return pool.submit(() -> {
            reader[0] = Thread.currentThread();
            return findBalance(b, owner, id);
        });
    }

    @Test
    void aSlowReaderCannotPutBackAValueOlderThanAnotherInstancesWrite() throws Exception {
        long owner = seed("s0", 1, 10);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch read = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            Future<Long> reader = stoppedReader(pool, owner, 1, read, go);
            assertTrue(read.await(10, TimeUnit.SECONDS), "the reader read the shard");
            long evictions = stats(b, ACCOUNT, "s0").evictions();
            setBalance(a, owner, 1, 11);
            await(BOUND, "b to apply a's invalidation", () -> stats(b, ACCOUNT, "s0").evictions() > evictions);
            long puts = stats(b, ASIDE, "s0").puts();
            go.countDown();
            assertEquals(10L, reader.get(10, TimeUnit.SECONDS), "the reader returns what it read, before the write");
            assertEquals(puts, stats(b, ASIDE, "s0").puts(), "its put was refused: its lease was gone");
            assertEquals(11L, findBalance(b, owner, 1), "the next read sees the write");
            assertEquals(11L, findBalance(b, owner, 1));
            assertEquals(11L, sessionBalance(b, owner, 1));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSlowReaderCannotPutBackAValueOlderThanItsOwnInstancesWrite() throws Exception {
        long owner = seed("s1", 2, 20);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch read = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            Future<Long> reader = stoppedReader(pool, owner, 2, read, go);
            assertTrue(read.await(10, TimeUnit.SECONDS), "the reader read the shard");
            setBalance(b, owner, 2, 21); // same instance: its cache-aside is invalidated after the commit
            long puts = stats(b, ASIDE, "s1").puts();
            go.countDown();
            assertEquals(20L, reader.get(10, TimeUnit.SECONDS));
            assertEquals(puts, stats(b, ASIDE, "s1").puts(), "its put was refused: its lease was gone");
            assertEquals(21L, findBalance(b, owner, 2));
            await(BOUND, "a to see b's write", () -> Long.valueOf(21).equals(findBalance(a, owner, 2))); // a cached it at insert
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentMissLoadPutAgainstUpdateInvalidateLeavesNoStaleEntry() throws Exception {
        int rows = 8;
        List<long[]> keys = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            long id = 100 + i;
            keys.add(new long[]{seed(i % 2 == 0 ? "s0" : "s1", id, 0), id});
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> tasks = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            ShardedPersistence writer = w == 0 ? a : b;
            int lane = w;
            tasks.add(pool.submit(() -> {
                // each writer owns half of the rows, so the last value of a row is known
                long value = 1;
                while (!stop.get()) {
                    long[] k = keys.get(lane + 2 * ThreadLocalRandom.current().nextInt(rows / 2));
                    setBalance(writer, k[0], k[1], value++);
                    writes.incrementAndGet();
                }
                return null;
            }));
        }
        for (int r = 0; r < 4; r++) {
            ShardedPersistence reader = r % 2 == 0 ? a : b;
            boolean viaSession = r >= 2;
            tasks.add(pool.submit(() -> {
                while (!stop.get()) {
                    long[] k = keys.get(ThreadLocalRandom.current().nextInt(rows));
                    if (viaSession) {
                        sessionBalance(reader, k[0], k[1]);
                    } else {
                        findBalance(reader, k[0], k[1]);
                    }
                    reads.incrementAndGet();
                }
                return null;
            }));
        }
        // at least 3 s and 200 writes (a busy machine writes slowly), at most 30 s
        long started = System.nanoTime();
        long minimum = TimeUnit.MILLISECONDS.toNanos(Long.getLong("cache.race.millis", 3000));
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)
                && (System.nanoTime() - started < minimum || writes.get() < 200 || reads.get() < 2000)) {
            Thread.sleep(20);
        }
        stop.set(true);
        for (Future<?> t : tasks) {
            t.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Thread.sleep(500); // the last notifications arrive
        int stale = 0;
        List<String> found = new ArrayList<>();
        for (long[] k : keys) {
            Long truth = balance(databases.byId(a.shardOf(k[0])), k[1]);
            for (ShardedPersistence orm : List.of(a, b)) {
                for (int twice = 0; twice < 2; twice++) { // the second read is the one a cached entry would answer
                    Long aside = findBalance(orm, k[0], k[1]);
                    Long session = sessionBalance(orm, k[0], k[1]);
                    if (!truth.equals(aside) || !truth.equals(session)) {
                        stale++;
                        found.add("id " + k[1] + ": db " + truth + ", findById " + aside + ", session " + session);
                    }
                }
            }
        }
        assertEquals(List.of(), found, stale + " stale reads after " + writes.get() + " writes and " + reads.get() + " reads");
        assertTrue(writes.get() > 50 && reads.get() > 500, "the race ran: " + writes.get() + " writes, " + reads.get() + " reads");
    }
}
