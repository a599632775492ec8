package io.github.shardingorm.it.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardTopologyChangedException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.StableKeyHash;
import io.github.shardingorm.routing.Topology;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The fence per bucket (issue 11 part 3, issue 12's "other buckets never pause"): in the final
 * stage of a move (held open here between {@code fence()} and {@code completeMove()} through
 * {@link TopologyService}, the mover's API), an up-to-date instance keeps writing the source's
 * other buckets and is refused (retryable) on the fenced one, for every write path; a stale
 * instance (one that follows no new version) is refused on the source for every sharded write
 * and never writes the old owner after the switch; and under writer threads with a ledger while
 * fence/complete cycles move buckets back and forth, every acknowledged row ends on the shard
 * its key maps to (direct SQL on every shard). The last test prints the write latency of the
 * moved bucket and of the others during the final stages (docs/benchmarks.md, "Issue 11").
 */
@PostgresShards(count = 2)
class FencePerBucketIT {

    private static final int BUCKETS = 64;

    private final ShardDatabases shards;
    private ShardedPersistence first;

    FencePerBucketIT(ShardDatabases shards) {
        this.shards = shards;
    }

    @BeforeEach
    void freshCluster() {
        first = builder(SchemaAction.CREATE, BUCKETS, 3).build();
    }

    @AfterEach
    void close() {
        if (first != null) {
            first.close();
        }
    }

    @Test
    void duringALongFinalStageTheSourcesOtherBucketsStayWritableAndTheFencedBucketIsRefusedOnEveryPath() throws Exception {
        TopologyService mover = ((ShardedPersistenceImpl) first).topologyService();
        ShardMap map = first.shardMap();
        long inBucket = keyOn(map, "s0", BUCKETS, -1);
        int bucket = bucketOf(inBucket, BUCKETS);
        long[] fencedKeys = keysInBucket(bucket, BUCKETS, 4, inBucket);
        long[] others = keysOnShardOutside(map, "s0", bucket, BUCKETS, 8);
        long onS1 = keyOn(map, "s1", BUCKETS, -1);
        first.repository(User.class).save(new User(inBucket, "fenced row"));
        first.repository(User.class).save(new User(others[0], "to update"));
        first.repository(User.class).save(new User(others[1], "to delete"));

        mover.beginMove(Set.of(bucket), "s0", "s1");
        Topology fenced = mover.fence(Set.of(bucket));
        // the final stage, held open: writes to s0's OTHER buckets, every path, go on
        first.repository(User.class).save(new User(others[2], "insert"));
        first.inTransaction(others[0], s -> s.find(User.class, others[0]).setName("updated"));
        first.repository(User.class).deleteById(others[1], others[1]);
        first.repository(User.class).saveAll(List.of(new User(others[3], "batch"), new User(others[4], "batch"), new User(onS1, "batch")));
        first.inTransaction(others[5], s -> s.persist(new User(others[5], "persist")));
        assertEquals("updated", name(shards.byId("s0"), others[0]));
        assertEquals(0, count(shards.byId("s0"), "select count(*) from users where id = " + others[1]));
        assertEquals(4, count(shards.byId("s0"), "select count(*) from users where id in (" + others[2] + "," + others[3] + ","
                + others[4] + "," + others[5] + ")"));

        // the fenced bucket: refused, retryable, on every path, nothing written
        refused(bucket, () -> first.repository(User.class).save(new User(fencedKeys[0], "insert")));
        refused(bucket, () -> first.inTransaction(inBucket, s -> s.find(User.class, inBucket).setName("update")));
        refused(bucket, () -> first.repository(User.class).deleteById(inBucket, inBucket));
        refused(bucket, () -> first.repository(User.class).saveAll(List.of(new User(fencedKeys[1], "b"), new User(fencedKeys[2], "b"))));
        refused(bucket, () -> first.inTransaction(fencedKeys[3], s -> s.persist(new User(fencedKeys[3], "persist"))));
        // a stateless session: in a transaction, and outside one (there the guard takes the connection before it checks)
        try (org.hibernate.StatelessSession stateless = first.sessionFactory().withStatelessOptions().tenantIdentifier((Object) "s0")
                .openStatelessSession()) {
            org.hibernate.Transaction tx = stateless.beginTransaction();
            stateless.insert(new User(others[6], "stateless"));
            tx.commit();
            refused(bucket, () -> stateless.insert(new User(fencedKeys[2], "stateless")));
            org.hibernate.Transaction tx2 = stateless.beginTransaction();
            refused(bucket, () -> stateless.insert(new User(fencedKeys[2], "stateless")));
            tx2.rollback();
        }
        assertEquals("stateless", name(shards.byId("s0"), others[6]));
        // a bulk statement may touch any row of the shard: refused on s0 while a bucket of it is fenced
        refused(bucket, () -> first.executeUpdate("update User u set u.name = 'bulk' where u.id = :id", Map.of("id", others[2])));
        assertEquals("fenced row", name(shards.byId("s0"), inBucket));
        assertEquals("insert", name(shards.byId("s0"), others[2]));
        assertEquals(1, count(shards.byId("s0"), "select count(*) from users where id in (" + inBucket + "," + fencedKeys[0] + ","
                + fencedKeys[1] + "," + fencedKeys[2] + "," + fencedKeys[3] + ")"));
        // s1 has no fence at all
        first.repository(User.class).save(new User(onS1, "s1 is free"));
        assertEquals(fenced.version(), first.topology().version(), "still the final stage");

        // the mover copies the bucket, switches, deletes the source's copy
        copyBucket(shards.byId("s0"), shards.byId("s1"), bucket, BUCKETS);
        Topology moved = mover.completeMove(Set.of(bucket));
        first.repository(User.class).save(new User(fencedKeys[0], "after the switch"));
        first.inTransaction(inBucket, s -> s.find(User.class, inBucket).setName("updated on s1"));
        deleteBucket(shards.byId("s0"), bucket, BUCKETS, moved.version());
        mover.releaseFence(Set.of(bucket));
        assertEquals("after the switch", name(shards.byId("s1"), fencedKeys[0]));
        assertEquals("updated on s1", name(shards.byId("s1"), inBucket));
        assertEquals(0, count(shards.byId("s0"), "select count(*) from users where id in (" + inBucket + "," + fencedKeys[0] + ")"));
        first.executeUpdate("update User u set u.name = 'bulk' where u.id = :id", Map.of("id", others[2]));
        assertEquals("bulk", name(shards.byId("s0"), others[2]));
    }

    @Test
    void aStaleInstanceIsRefusedOnTheSourceAndNeverWritesTheOldOwnerAfterTheSwitch() throws Exception {
        TopologyService mover = ((ShardedPersistenceImpl) first).topologyService();
        ShardMap map = first.shardMap();
        long inBucket = keyOn(map, "s0", BUCKETS, -1);
        int bucket = bucketOf(inBucket, BUCKETS);
        long[] fencedKeys = keysInBucket(bucket, BUCKETS, 3, inBucket);
        long[] others = keysOnShardOutside(map, "s0", bucket, BUCKETS, 4);
        long onS1 = keyOn(map, "s1", BUCKETS, -1);
        first.repository(User.class).save(new User(inBucket, "original"));
        try (ShardedPersistence stale = builder(SchemaAction.VALIDATE, BUCKETS, 3).topologyStaleAfter(Duration.ofSeconds(120)).build()) {
            TopologyService staleService = ((ShardedPersistenceImpl) stale).topologyService();
            staleService.pauseFollowing(true);
            long staleVersion = stale.topology().version();
            mover.beginMove(Set.of(bucket), "s0", "s1");
            Topology fenced = mover.fence(Set.of(bucket));
            Thread.sleep(600); // more than two poll intervals: a following instance would have the new version by now
            assertEquals(staleVersion, stale.topology().version(), "the stale instance follows nothing");

            // final stage: ANY sharded write of the stale instance on the source is refused (by the trigger), retryably
            for (long key : new long[] {others[0], fencedKeys[0]}) {
                ShardTopologyChangedException e = refused(-1, () -> stale.repository(User.class).save(new User(key, "stale")));
                assertEquals("s0", e.getShardId());
                assertEquals(staleVersion, e.getWriterVersion());
                assertEquals(fenced.version(), e.getRequiredVersion());
            }
            refused(-1, () -> stale.inTransaction(inBucket, s -> s.find(User.class, inBucket).setName("stale update")));
            // saveAll's direct inserts (User is flat) carry the stale version too: the trigger refuses them
            refused(-1, () -> stale.repository(User.class).saveAll(List.of(new User(others[3], "stale batch"))));
            stale.repository(User.class).save(new User(onS1, "the stale instance still writes s1"));
            first.repository(User.class).save(new User(others[1], "the up-to-date instance writes s0's other buckets"));

            copyBucket(shards.byId("s0"), shards.byId("s1"), bucket, BUCKETS);
            Topology moved = mover.completeMove(Set.of(bucket));
            // after the switch the stale instance still routes the bucket to s0: refused there, never written
            refused(-1, () -> stale.repository(User.class).save(new User(fencedKeys[1], "stale after switch")));
            refused(-1, () -> stale.inTransaction(inBucket, s -> s.find(User.class, inBucket).setName("stale update after switch")));
            refused(-1, () -> stale.repository(User.class).deleteById(inBucket, inBucket));
            refused(-1, () -> stale.repository(User.class).save(new User(others[2], "stale, other bucket")));
            assertEquals(0, count(shards.byId("s0"), "select count(*) from users where name like 'stale%'"), "nothing stale on s0");
            assertEquals("original", name(shards.byId("s0"), inBucket), "the old copy untouched");
            assertEquals("original", name(shards.byId("s1"), inBucket));

            // once it follows again, its writes of the bucket go to the new owner
            staleService.pauseFollowing(false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (stale.topology().version() < moved.version()) {
                assertTrue(System.nanoTime() < deadline, "the instance did not catch up within 1 s after following again");
                Thread.sleep(5);
            }
            stale.repository(User.class).save(new User(fencedKeys[2], "caught up"));
            stale.inTransaction(inBucket, s -> s.find(User.class, inBucket).setName("caught up"));
            assertEquals("caught up", name(shards.byId("s1"), fencedKeys[2]));
            assertEquals("caught up", name(shards.byId("s1"), inBucket));
            assertEquals("original", name(shards.byId("s0"), inBucket), "the old owner's copy is never written");
            assertEquals(0, count(shards.byId("s0"), "select count(*) from users where id = " + fencedKeys[2]));
        }
    }

    /** One acknowledged write: its bucket, when it started and ended (retries after refusals included). */
    /** The application's own inspector, named in the Hibernate properties: still applied, before the fence's. */
    public static final class CountingInspector implements org.hibernate.resource.jdbc.spi.StatementInspector {
        static final AtomicLong SEEN = new AtomicLong();

        @Override
        public String inspect(String sql) {
            SEEN.incrementAndGet();
            return sql;
        }
    }

    @Test
    void theApplicationsOwnBulkAndNativeWritesAreRefusedOnAShardWithAFencedBucketAndNowhereElse() throws Exception {
        first.close();
        CountingInspector.SEEN.set(0);
        first = builder(SchemaAction.CREATE, BUCKETS, 3)
                .hibernateProperty("hibernate.session_factory.statement_inspector", CountingInspector.class.getName()).build();
        TopologyService mover = ((ShardedPersistenceImpl) first).topologyService();
        ShardMap map = first.shardMap();
        long inBucket = keyOn(map, "s0", BUCKETS, -1);
        int bucket = bucketOf(inBucket, BUCKETS);
        long other = keysOnShardOutside(map, "s0", bucket, BUCKETS, 1)[0];
        long onS1 = keyOn(map, "s1", BUCKETS, -1);
        for (long id : new long[] {inBucket, other, onS1}) {
            first.repository(User.class).save(new User(id, "before"));
        }
        try (Connection c = shards.byId("s0").connect(); Statement st = c.createStatement()) {
            st.execute("create table if not exists bulk_audit (id bigint)"); // a table that does not move with buckets
        }
        String bulk = "update User u set u.name = 'bulk' where u.id = :id";

        mover.beginMove(Set.of(bucket), "s0", "s1");
        assertEquals(1, (int) first.<Integer>fromTransaction(other, s -> s.createMutationQuery(bulk).setParameter("id", other).executeUpdate()),
                "MOVING, not yet fenced: bulk writes go on");
        mover.fence(Set.of(bucket));
        // on s0 (a bucket of it is fenced): HQL bulk, native, inside orm.inTransaction and in a scope's own session
        refused(bucket, () -> first.inTransaction(other, s -> s.createMutationQuery(bulk).setParameter("id", other).executeUpdate()));
        refused(bucket, () -> first.inTransaction(other, s -> s.createNativeQuery("delete from users where id = " + inBucket)
                .executeUpdate()));
        refused(bucket, () -> first.inTransaction(other, s -> s.createNativeQuery(
                "/* a comment */ with gone as (delete from users where id = " + inBucket + " returning id) select count(*) from gone")
                .getSingleResult()));
        try (io.github.shardingorm.ShardScope scope = first.bind(other)) {
            org.hibernate.Session own = scope.session();
            refused(bucket, () -> {
                org.hibernate.Transaction tx = own.beginTransaction();
                try {
                    own.createNativeQuery("update \"users\" set name = 'native' where id = " + other).executeUpdate();
                } finally {
                    tx.rollback();
                }
            });
        }
        // a session opened with an explicit tenant and no scope: its shard is unknown to the inspector, refused while any shard is fenced
        try (org.hibernate.Session unbound = first.sessionFactory().withOptions().tenantIdentifier((Object) "s1").openSession()) {
            org.hibernate.Transaction tx = unbound.beginTransaction();
            refused(bucket, () -> unbound.createMutationQuery(bulk).setParameter("id", onS1).executeUpdate());
            tx.rollback();
        }
        // what goes on: entity writes to s0's other buckets, reads, writes of tables that do not move, and s1
        first.inTransaction(other, s -> {
            s.find(User.class, other).setName("entity write");
            assertEquals(2L, ((Number) s.createNativeQuery("select count(*) from users where id in (" + inBucket + "," + other + ")")
                    .getSingleResult()).longValue());
            assertEquals(1, s.createNativeQuery("insert into bulk_audit values (" + other + ")").executeUpdate());
        });
        assertEquals(1, (int) first.<Integer>fromTransaction(onS1, s -> s.createMutationQuery(bulk).setParameter("id", onS1).executeUpdate()));
        assertEquals("before", name(shards.byId("s0"), inBucket), "the refused statements wrote nothing");
        assertEquals("entity write", name(shards.byId("s0"), other));
        assertEquals("bulk", name(shards.byId("s1"), onS1));

        mover.abortMove(Set.of(bucket));
        assertEquals(1, (int) first.<Integer>fromTransaction(other, s -> s.createMutationQuery(bulk).setParameter("id", other).executeUpdate()),
                "the move aborted: bulk writes on s0 again");
        assertEquals("bulk", name(shards.byId("s0"), other));
        assertTrue(CountingInspector.SEEN.get() > 10, "the application's inspector saw the statements: " + CountingInspector.SEEN.get());
        try (Connection c = shards.byId("s0").connect(); Statement st = c.createStatement()) {
            st.execute("drop table bulk_audit");
        }
    }

    private record Write(int bucket, long started, long ended) {
    }

    /** One final stage of the mover: the bucket, its source, and the time from fence() to completeMove()'s return. */
    private record Window(int bucket, String source, ShardMap map, long fenced, long completed) {
    }

    @Test
    void writersWithALedgerDuringFenceAndCompleteCyclesLoseNothingAndEveryRowIsWhereItsKeyMaps() throws Exception {
        int buckets = 16;
        first.close();
        first = builder(SchemaAction.CREATE, buckets, 4).build();
        TopologyService mover = ((ShardedPersistenceImpl) first).topologyService();
        try (ShardedPersistence follower = builder(SchemaAction.VALIDATE, buckets, 4).build()) {
            List<ShardedPersistence> instances = List.of(first, follower);
            Map<Long, String> ledger = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong nextKey = new AtomicLong(1);
            AtomicLong refusals = new AtomicLong();
            int[] moving = {-1};
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                ShardedPersistence orm = instances.get(t % 2);
                Thread w = new Thread(() -> {
                    Random random = new Random(thread);
                    List<Long> mine = new ArrayList<>();
                    int n = 0;
                    try {
                        while (running.get()) {
                            boolean update = !mine.isEmpty() && random.nextInt(3) == 0;
                            long key;
                            if (update) {
                                key = mine.get(random.nextInt(mine.size()));
                            } else {
                                int target = random.nextInt(3) == 0 ? moving[0] : -1;
                                do {
                                    key = nextKey.getAndIncrement();
                                } while (target >= 0 && bucketOf(key, buckets) != target);
                            }
                            String name = "t" + thread + "-" + (++n);
                            long k = key;
                            long started = System.nanoTime();
                            while (true) {
                                try {
                                    if (update) {
                                        orm.inTransaction(k, s -> s.find(User.class, k).setName(name));
                                    } else {
                                        orm.repository(User.class).save(new User(k, name));
                                    }
                                    break;
                                } catch (RuntimeException e) {
                                    if (!retryable(e)) {
                                        throw e;
                                    }
                                    refusals.incrementAndGet();
                                    Thread.sleep(1);
                                }
                            }
                            writes.add(new Write(bucketOf(k, buckets), started, System.nanoTime()));
                            ledger.put(k, name);
                            if (!update) {
                                mine.add(k);
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "ledger-writer-" + t);
                w.start();
                writers.add(w);
            }
            List<Window> windows = new ArrayList<>();
            Random random = new Random(42);
            int cycles = Integer.getInteger("fence.cycles", 8);
            long holdMillis = Long.getLong("fence.hold.millis", 200);
            try {
                Thread.sleep(300);
                for (int c = 0; c < cycles; c++) {
                    ShardMap now = first.shardMap();
                    int bucket = random.nextInt(buckets);
                    String from = now.shardOf(bucket);
                    String to = from.equals("s0") ? "s1" : "s0";
                    moving[0] = bucket;
                    mover.beginMove(Set.of(bucket), from, to);
                    Thread.sleep(100);
                    long fencedAt = System.nanoTime();
                    mover.fence(Set.of(bucket));
                    Thread.sleep(holdMillis); // a long final stage: the catch-up's last changes
                    copyBucket(shards.byId(from), shards.byId(to), bucket, buckets);
                    Topology done = mover.completeMove(Set.of(bucket));
                    windows.add(new Window(bucket, from, now, fencedAt, System.nanoTime()));
                    moving[0] = -1;
                    deleteBucket(shards.byId(from), bucket, buckets, done.version());
                    mover.awaitInstancesAt(done.version());
                    mover.releaseFence(Set.of(bucket));
                    Thread.sleep(200);
                }
            } finally {
                running.set(false);
                for (Thread w : writers) {
                    w.join(30_000);
                }
            }
            assertEquals(List.of(), failures, "the writers saw only retryable refusals");
            assertTrue(ledger.size() > 100, "writers made progress: " + ledger.size());
            // every acknowledged row is on the shard its key maps to, with its acknowledged name, on one shard only
            ShardMap finalMap = first.shardMap();
            Map<Long, String> found = new HashMap<>();
            int misplaced = 0;
            for (ShardDatabase db : shards) {
                try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select id, name from users")) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        if (!finalMap.shardOf(bucketOf(id, buckets)).equals(db.id())) {
                            misplaced++;
                        }
                        assertTrue(found.put(id, rs.getString(2)) == null, "user " + id + " on one shard only");
                    }
                }
            }
            assertEquals(0, misplaced, "rows on a shard their key does not map to");
            int lost = 0;
            for (Map.Entry<Long, String> e : ledger.entrySet()) {
                if (!e.getValue().equals(found.get(e.getKey()))) {
                    lost++;
                }
            }
            assertEquals(0, lost, "acknowledged writes missing or overwritten (of " + ledger.size() + ")");
            assertEquals(ledger.keySet(), found.keySet(), "nothing but acknowledged rows");
            report(windows, writes, refusals.get(), holdMillis);
        }
    }

    // ------------------------------------------------------------------ the pause report

    private static void report(List<Window> windows, ConcurrentLinkedQueue<Write> writes, long refusals, long holdMillis) {
        List<Long> moved = new ArrayList<>();
        List<Long> sameSource = new ArrayList<>();
        List<Long> otherShard = new ArrayList<>();
        List<Long> outside = new ArrayList<>();
        for (Write w : writes) {
            long micros = (w.ended() - w.started()) / 1000;
            Window in = null;
            for (Window x : windows) {
                if (w.started() < x.completed() && w.ended() > x.fenced()) {
                    in = x;
                    break;
                }
            }
            if (in == null) {
                outside.add(micros);
            } else if (w.bucket() == in.bucket()) {
                moved.add(micros);
            } else if (in.map().shardOf(w.bucket()).equals(in.source())) {
                sameSource.add(micros);
            } else {
                otherShard.add(micros);
            }
        }
        System.out.printf("FENCE-PAUSE cycles=%d hold=%d ms writes=%d refusals retried=%d%n", windows.size(), holdMillis, writes.size(), refusals);
        System.out.println("FENCE-PAUSE moved bucket, during its final stage:          " + stats(moved));
        System.out.println("FENCE-PAUSE other buckets of the source, same window:       " + stats(sameSource));
        System.out.println("FENCE-PAUSE buckets of the other shard, same window:        " + stats(otherShard));
        System.out.println("FENCE-PAUSE every write outside the final stages:           " + stats(outside));
    }

    private static String stats(List<Long> micros) {
        if (micros.isEmpty()) {
            return "no samples";
        }
        List<Long> s = new ArrayList<>(micros);
        Collections.sort(s);
        return String.format("n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms", s.size(), s.get(s.size() / 2) / 1000.0,
                s.get((int) Math.min(s.size() - 1, Math.ceil(s.size() * 0.99) - 1)) / 1000.0, s.get(s.size() - 1) / 1000.0);
    }

    // ------------------------------------------------------------------ helpers

    private ShardedPersistenceBuilder builder(SchemaAction action, int buckets, int pool) {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (ShardDatabase db : shards) {
            builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        return builder.entities(User.class, Post.class).schema(action).maximumPoolSize(pool).bucketCount(buckets);
    }

    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShardTopologyChangedException) {
                return true;
            }
        }
        return false;
    }

    /** Asserts a retryable refusal (naming {@code bucket} unless it is -1) and returns it. */
    private static ShardTopologyChangedException refused(int bucket, Executable write) {
        try {
            write.execute();
        } catch (Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof ShardTopologyChangedException refusal) {
                    assertTrue(refusal.isRetryable());
                    if (bucket >= 0) {
                        assertTrue(refusal.getBuckets().contains(bucket), refusal.getBuckets() + ": " + refusal.getMessage());
                    }
                    return refusal;
                }
            }
            throw new AssertionError("expected a retryable ShardTopologyChangedException, got " + e, e);
        }
        return fail("the write was not refused");
    }

    static int bucketOf(long key, int buckets) {
        return StableKeyHash.bucketOf(StableKeyHash.hash64(key), buckets);
    }

    private static long keyOn(ShardMap map, String shard, int buckets, long except) {
        for (long k = 1; ; k++) {
            if (k != except && map.shardOf(bucketOf(k, buckets)).equals(shard)) {
                return k;
            }
        }
    }

    private static long[] keysOnShardOutside(ShardMap map, String shard, int bucket, int buckets, int n) {
        long[] keys = new long[n];
        int found = 0;
        for (long k = 1; found < n; k++) {
            int b = bucketOf(k, buckets);
            if (b != bucket && map.shardOf(b).equals(shard)) {
                keys[found++] = k;
            }
        }
        return keys;
    }

    private static long[] keysInBucket(int bucket, int buckets, int n, long except) {
        long[] keys = new long[n];
        int found = 0;
        for (long k = 1; found < n; k++) {
            if (k != except && bucketOf(k, buckets) == bucket) {
                keys[found++] = k;
            }
        }
        return keys;
    }

    /** What the mover does in the final stage: copies the bucket's users from {@code from} to {@code to}. */
    static void copyBucket(ShardDatabase from, ShardDatabase to, int bucket, int buckets) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = from.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select id, name from users")) {
            while (rs.next()) {
                if (bucketOf(rs.getLong(1), buckets) == bucket) {
                    rows.add(new Object[] {rs.getLong(1), rs.getString(2)});
                }
            }
        }
        try (Connection c = to.connect(); PreparedStatement ps = c.prepareStatement("insert into users (id, name) values (?, ?)")) {
            for (Object[] r : rows) {
                ps.setLong(1, (Long) r[0]);
                ps.setString(2, (String) r[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The mover's clean-up after the switch: deletes the bucket's old copies, at the current version (the fence lets it through). */
    static void deleteBucket(ShardDatabase db, int bucket, int buckets, long version) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select id from users")) {
                while (rs.next()) {
                    if (bucketOf(rs.getLong(1), buckets) == bucket) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            st.execute("SET shorm.topology_version = " + version);
            for (long id : ids) {
                st.executeUpdate("delete from users where id = " + id);
            }
        }
    }

    private static String name(ShardDatabase db, long id) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select name from users where id = " + id)) {
            assertTrue(rs.next(), "user " + id + " on " + db.id());
            String name = rs.getString(1);
            assertFalse(rs.next());
            assertNotNull(name);
            return name;
        }
    }

    private static long count(ShardDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }
}
