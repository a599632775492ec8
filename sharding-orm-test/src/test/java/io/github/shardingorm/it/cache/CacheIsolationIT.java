package io.github.shardingorm.it.cache;

import static io.github.shardingorm.it.cache.CacheFixture.ACCOUNT;
import static io.github.shardingorm.it.cache.CacheFixture.ASIDE;
import static io.github.shardingorm.it.cache.CacheFixture.QUERY_REGION;
import static io.github.shardingorm.it.cache.CacheFixture.findBalance;
import static io.github.shardingorm.it.cache.CacheFixture.queryOwner;
import static io.github.shardingorm.it.cache.CacheFixture.sessionBalance;
import static io.github.shardingorm.it.cache.CacheFixture.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.cache.RegionStatistics;
import io.github.shardingorm.it.cache.model.Account;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Isolation: the same ids on every shard, two instances with every cache on (second-level, query,
 * cache-aside), many random find / update / delete / insert / query operations in parallel threads
 * (97% reads: 85% findById, 9% session.find, 3% a cacheable query; 3% writes, a third of them deletes
 * or re-inserts).
 * Every read whose value is known (no write of the row in flight, and the last write made by the
 * reading instance or older than the documented invalidation bound) must equal it; at quiescence
 * every row read through every path of both instances must equal the database (direct SQL).
 *
 * <p>Operations: {@code -Dcache.ops} (default 100,000), threads {@code -Dcache.threads} (default 8).
 */
@PostgresShards(count = 3)
class CacheIsolationIT {

    /** Reads of a row written by the other instance less than this ago are not checked one by one. */
    private static final long BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final int IDS = 40;
    private static final int OWNERS_PER_SHARD = 4;

    /** What the test knows of one row. */
    static final class Row {
        final String shard;
        final long id;
        final long owner;
        final ReentrantLock lock = new ReentrantLock();
        volatile Long balance; // null: deleted
        volatile long committedAt;
        volatile ShardedPersistence writer;

        Row(String shard, long id, long owner, long balance) {
            this.shard = shard;
            this.id = id;
            this.owner = owner;
            this.balance = balance;
        }
    }

    @Test
    void theSameIdsOnEveryShardNeverServeAnotherShardsOrAStaleValue(ShardDatabases databases) throws Exception {
        int ops = Integer.getInteger("cache.ops", 100_000);
        int threads = Integer.getInteger("cache.threads", 8);
        try (ShardedPersistence a = CacheFixture.instance(databases, SchemaAction.CREATE, CacheFixture.everything());
             ShardedPersistence b = CacheFixture.instance(databases, SchemaAction.NONE, CacheFixture.everything())) {
            List<Row> rows = new ArrayList<>();
            Map<Long, List<Row>> byOwner = new HashMap<>();
            long key = 1;
            for (ShardDatabase db : databases) {
                long[] owners = new long[OWNERS_PER_SHARD];
                for (int o = 0; o < owners.length; o++) {
                    key = CacheFixture.keyOn(a, db.id(), key + 1);
                    owners[o] = key;
                }
                List<Account> seed = new ArrayList<>();
                for (long id = 1; id <= IDS; id++) {
                    // the balance says which shard it is on: a value served from another shard is caught
                    long balance = 1_000_000L * (db.id().charAt(1) - '0' + 1) + id;
                    Row row = new Row(db.id(), id, owners[(int) (id % owners.length)], balance);
                    rows.add(row);
                    byOwner.computeIfAbsent(row.owner, x -> new ArrayList<>()).add(row);
                    seed.add(new Account(id, row.owner, "iso", balance));
                }
                a.<Account, Long>repository(Account.class).saveAll(seed);
            }

            AtomicLong checked = new AtomicLong();
            AtomicLong performed = new AtomicLong();
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> tasks = new ArrayList<>();
            long started = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                ShardedPersistence me = t % 2 == 0 ? a : b;
                int share = ops / threads + (t < ops % threads ? 1 : 0);
                tasks.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < share && wrong.size() < 20; i++) {
                        Row row = rows.get(random.nextInt(rows.size()));
                        int dice = random.nextInt(100);
                        if (dice < 97) {
                            read(me, row, dice < 85 ? 0 : dice < 94 ? 1 : 2, byOwner, checked, wrong);
                        } else {
                            write(me, row, random, dice);
                        }
                        performed.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get(10, TimeUnit.MINUTES);
            }
            pool.shutdown();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(List.of(), List.copyOf(wrong), "reads that differ from the known value");

            Thread.sleep(BOUND_NANOS / 1_000_000); // quiescence: every notification has arrived
            List<String> differ = new ArrayList<>();
            for (ShardDatabase db : databases) {
                Map<Long, Long> truth = new HashMap<>();
                try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT id, balance FROM cached_account");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        truth.put(rs.getLong(1), rs.getLong(2));
                    }
                }
                for (Row row : rows) {
                    if (!row.shard.equals(db.id())) {
                        continue;
                    }
                    Long expected = truth.get(row.id);
                    if (!java.util.Objects.equals(expected, row.balance)) {
                        differ.add("the test's model of " + row.shard + "/" + row.id + " is " + row.balance + ", the database " + expected);
                    }
                    for (ShardedPersistence orm : List.of(a, b)) {
                        String who = orm == a ? "a" : "b";
                        for (int twice = 0; twice < 2; twice++) {
                            Long aside = findBalance(orm, row.owner, row.id);
                            Long session = sessionBalance(orm, row.owner, row.id);
                            Long query = queryOwner(orm, row.owner).stream().filter(x -> x.getId() == row.id)
                                    .map(Account::getBalance).findFirst().orElse(null);
                            if (!java.util.Objects.equals(expected, aside) || !java.util.Objects.equals(expected, session)
                                    || !java.util.Objects.equals(expected, query)) {
                                differ.add(who + " " + row.shard + "/" + row.id + ": database " + expected + ", findById " + aside
                                        + ", session.find " + session + ", cached query " + query);
                            }
                        }
                    }
                }
            }
            assertEquals(List.of(), differ, "reads at quiescence that differ from the database");
            System.out.printf("CacheIsolationIT: %,d operations in %,d ms on %d threads, %,d reads checked one by one%n",
                    performed.get(), millis, threads, checked.get());
            assertEquals(ops, performed.get());
            assertTrue(checked.get() > ops / 4, "enough reads had a known value: " + checked.get());
            for (ShardDatabase db : databases) {
                for (ShardedPersistence orm : List.of(a, b)) {
                    for (String region : List.of(ASIDE, ACCOUNT, QUERY_REGION)) {
                        RegionStatistics s = stats(orm, region, db.id());
                        assertTrue(s.hits() > 0 && s.misses() > 0 && s.puts() > 0, region + " on " + db.id() + ": " + s);
                    }
                    assertTrue(stats(orm, ASIDE, db.id()).evictions() > 0 && stats(orm, ACCOUNT, db.id()).evictions() > 0);
                }
            }
            assertEquals(0, CacheFixture.cache(a).capturesInFlight());
            assertEquals(0, CacheFixture.cache(b).capturesInFlight());
        }
    }

    /** Path 0: findById (cache-aside), 1: session.find (second-level), 2: a cacheable query of the owner. */
    private static void read(ShardedPersistence me, Row row, int path, Map<Long, List<Row>> byOwner, AtomicLong checked,
                             ConcurrentLinkedQueue<String> wrong) {
        List<Row> frozen = new ArrayList<>();
        List<Row> candidates = path == 2 ? byOwner.get(row.owner) : List.of(row);
        try {
            for (Row r : candidates) {
                if (r.lock.tryLock()) {
                    frozen.add(r);
                }
            }
            Map<Long, Long> seen = new HashMap<>();
            switch (path) {
                case 0 -> seen.put(row.id, findBalance(me, row.owner, row.id));
                case 1 -> seen.put(row.id, sessionBalance(me, row.owner, row.id));
                default -> {
                    for (Row r : candidates) {
                        seen.put(r.id, null);
                    }
                    for (Account account : queryOwner(me, row.owner)) {
                        seen.put(account.getId(), account.getBalance());
                    }
                }
            }
            long now = System.nanoTime();
            for (Row r : frozen) {
                boolean known = r.writer == null || r.writer == me || now - r.committedAt > BOUND_NANOS;
                if (known) {
                    checked.incrementAndGet();
                    Long got = seen.get(r.id);
                    if (!java.util.Objects.equals(got, r.balance)) {
                        wrong.add((me == row.writer ? "writer" : "other") + " instance read " + r.shard + "/" + r.id + " by path " + path
                                + ": got " + got + ", known " + r.balance);
                    }
                }
            }
        } finally {
            frozen.forEach(r -> r.lock.unlock());
        }
    }

    private static void write(ShardedPersistence me, Row row, ThreadLocalRandom random, int dice) {
        row.lock.lock();
        try {
            Long next;
            if (row.balance == null) {
                next = (long) random.nextInt(1_000_000);
                long value = next;
                // the instance that deleted it: another one may still hold the entry for up to the invalidation delay,
                // and Hibernate's persist takes an assigned id found in the second-level cache for a detached entity
                row.writer.inTransaction(row.owner, s -> s.persist(new Account(row.id, row.owner, "iso", value)));
            } else if (dice == 99) {
                next = null;
                me.<Account, Long>repository(Account.class).deleteById(row.owner, row.id);
            } else {
                next = (long) random.nextInt(1_000_000);
                CacheFixture.setBalance(me, row.owner, row.id, next);
            }
            row.writer = next != null && row.balance == null ? row.writer : me;
            row.balance = next;
            row.committedAt = System.nanoTime();
        } finally {
            row.lock.unlock();
        }
    }
}
