package io.github.shardingorm.it.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardTopologyChangedException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.routing.BucketState;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stored topology on 2 real PostgreSQL shards: stored at start-up, followed by a second
 * instance, changed by the mover's steps with the fence checked by direct SQL per shard, and the
 * start-up refusals. Each test starts from a fresh cluster (schema action CREATE).
 */
@PostgresShards(count = 2)
class TopologyIT {

    private static final int BUCKETS = 64;

    private final ShardDatabases shards;
    private ShardedPersistence first;

    TopologyIT(ShardDatabases shards) {
        this.shards = shards;
    }

    @BeforeEach
    void freshCluster() {
        first = build(SchemaAction.CREATE, null);
    }

    @AfterEach
    void close() {
        if (first != null) {
            first.close();
        }
    }

    @Test
    void theTopologyIsStoredInEveryShardAndASecondInstanceFollowsAChangeWithinASecond() throws Exception {
        Topology t = first.topology();
        assertTrue(t.stored());
        assertEquals(1, t.version());
        for (ShardDatabase db : shards) {
            assertEquals(1L, queryLong(db, "select version from sharding_orm.topology"), db.id());
            assertEquals(db.id(), queryString(db, "select shard_id from sharding_orm.shard_identity"));
            assertEquals(t.clusterId(), queryString(db, "select cluster_id from sharding_orm.topology"));
        }
        try (ShardedPersistence second = build(SchemaAction.VALIDATE, null)) {
            assertEquals(t.clusterId(), second.topology().clusterId());
            assertEquals(2, first.topology().instances().size(), first.topology().toString());
            TopologyService mover = ((ShardedPersistenceImpl) first).topologyService();
            long start = System.nanoTime();
            Topology moving = mover.beginMove(Set.of(0), "s0", "s1");
            while (second.topology().version() < moving.version()) {
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "the second instance did not follow within 1 s");
                Thread.sleep(5);
            }
            assertEquals(new BucketState(BucketState.Phase.MOVING, "s0", "s1"), second.topology().stateOf(0));
            mover.abortMove(Set.of(0));

            ShardMap next = ShardMap.builder(BUCKETS).version(first.topology().version() + 1)
                    .assign(0, 3, "s1").assign(4, BUCKETS / 2 - 1, "s0").assign(BUCKETS / 2, BUCKETS - 1, "s1").build();
            first.replaceShardMap(next); // empty buckets: allowed
            assertEquals("s1", second.shardMap().shardOf(0), "the move completed only after the second instance followed");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (second.topology().version() < first.topology().version()) {
                assertTrue(System.nanoTime() < deadline, "the second instance did not follow within 1 s");
                Thread.sleep(5);
            }
            assertEquals(next.ranges(), second.shardMap().ranges());
        }
        long version = first.topology().version();
        first.close();
        first = null;
        try (ShardedPersistence restarted = build(SchemaAction.UPDATE, null)) {
            assertEquals(version, restarted.shardMap().version(), "the stored map wins over the generated version 1");
            assertEquals("s1", restarted.shardMap().shardOf(0));
        }
    }

    @Test
    void replaceShardMapRefusesToStrandRowsAndNamesTheBucketsAndCounts() throws Exception {
        long key = keyInBucket(first.shardMap(), "s0");
        int bucket = bucketOf(key);
        first.repository(User.class).save(new User(key, "stays"));
        first.repository(User.class).save(new User(keysInBucket(bucket, key, 1)[0], "stays too"));
        ShardMap next = first.shardMap().reassign(bucket, bucket, "s1");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> first.replaceShardMap(next));
        assertTrue(e.getMessage().contains(bucket + "=2"), e.getMessage());
        assertEquals("s0", first.shardMap().shardOf(bucket), "nothing changed");
        assertEquals(BucketState.SERVING, first.topology().stateOf(bucket));
        assertEquals(0, count(shards.byId("s0"), "select count(*) from pg_trigger where tgname = 'shorm_fence'"));
        first.repository(User.class).save(new User(key, "still writable"));
    }

    @Test
    void concurrentMixedShardSaveAllDuringMapChangesStrandsNoAcknowledgedRow() throws Exception {
        java.util.concurrent.ConcurrentLinkedQueue<Long> acknowledged = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Thread> writers = new java.util.ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    java.util.List<User> batch = new java.util.ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        batch.add(new User(next.getAndIncrement(), "w"));
                    }
                    try {
                        first.repository(User.class).saveAll(batch); // mixed-shard: 20 keys over both shards
                        batch.forEach(u -> acknowledged.add(u.getId()));
                    } catch (io.github.shardingorm.ShardingException e) {
                        // retryable: the fence refused one shard's group (the groups of other shards may have committed)
                        if (!(e instanceof ShardTopologyChangedException || e.getCause() instanceof ShardTopologyChangedException)) {
                            throw e;
                        }
                        refused.incrementAndGet();
                    }
                }
            });
            t.start();
            writers.add(t);
        }
        int changed = 0;
        int refusedChanges = 0;
        try {
            for (int round = 0; round < 6; round++) {
                Thread.sleep(100);
                ShardMap current = first.shardMap();
                int b = (round * 7) % BUCKETS;
                String to = current.shardOf(b).equals("s0") ? "s1" : "s0";
                try {
                    first.replaceShardMap(current.reassign(b, b, to));
                    changed++;
                } catch (IllegalStateException rows) {
                    refusedChanges++;
                }
            }
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
        }
        assertTrue(acknowledged.size() > 100, "writers made progress: " + acknowledged.size());
        for (long id : acknowledged) {
            assertTrue(first.repository(User.class).findById(id, id).isPresent(), "acknowledged user " + id + " is where the map says");
        }
        ShardMap finalMap = first.shardMap();
        int stranded = 0;
        for (ShardDatabase db : shards) {
            try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select id from users")) {
                while (rs.next()) {
                    if (!finalMap.shardOf(bucketOf(rs.getLong(1))).equals(db.id())) {
                        stranded++;
                    }
                }
            }
        }
        assertEquals(0, stranded, "rows on a shard the map does not point to (changes " + changed + ", refused " + refusedChanges
                + ", retryable batches " + refused + ")");
    }

    @Test
    void aMoveFencesTheSourceAgainstStaleWritersAndTheMoverSeesEveryWrite() throws Exception {
        TopologyService mover = ((ShardedPersistenceImpl) first).topologyService();
        long key = keyInBucket(first.shardMap(), "s0");
        int bucket = bucketOf(key);
        long[] other = keysOnShardOutside(first.shardMap(), "s0", bucket, 6);
        long sameBucket = keysInBucket(bucket, key, 1)[0];
        first.repository(User.class).save(new User(key, "before"));

        Topology moving = mover.beginMove(Set.of(bucket), "s0", "s1");
        assertEquals(new BucketState(BucketState.Phase.MOVING, "s0", "s1"), moving.stateOf(bucket));
        first.repository(User.class).save(new User(key, "while moving")); // writes still allowed
        assertEquals(1, staleInsert(shards.byId("s0"), 1, other[0]), "a stale writer may still write while MOVING");

        // an open transaction older than the fence: fence() waits for it
        CompletableFuture<Void> older = new CompletableFuture<>();
        Connection old = shards.byId("s0").connect();
        old.setAutoCommit(false);
        try (Statement st = old.createStatement()) {
            st.execute("SET shorm.topology_version = " + moving.version());
            st.execute("update users set name = 'older tx' where id = " + key);
        }
        CompletableFuture<Topology> fencing = CompletableFuture.supplyAsync(() -> mover.fence(Set.of(bucket)));
        Thread.sleep(300);
        assertFalse(fencing.isDone(), "fence() must wait for the transaction that started before it");
        old.commit();
        old.close();
        Topology fenced = fencing.get(10, TimeUnit.SECONDS);
        assertEquals(BucketState.Phase.FENCED, fenced.stateOf(bucket).phase());

        // final stage: the fenced bucket is refused in Java; the trigger refuses only sessions older than the fence,
        // so the up-to-date instance goes on writing s0's other buckets (the fence is per bucket)
        ShardTopologyChangedException inJava = assertThrows(ShardTopologyChangedException.class,
                () -> first.repository(User.class).save(new User(sameBucket, "x")));
        assertTrue(inJava.getMessage().contains("bucket " + bucket), inJava.getMessage());
        first.repository(User.class).save(new User(other[1], "other bucket, final stage"));
        assertEquals(1, count(shards.byId("s0"), "select count(*) from users where id = " + other[1]));
        SQLException byTrigger = assertThrows(SQLException.class, () -> staleInsert(shards.byId("s0"), fenced.version() - 1, other[2]));
        assertEquals("SHF01", byTrigger.getSQLState());
        assertTrue(byTrigger.getMessage().contains("final stage"), byTrigger.getMessage());
        assertEquals(0, count(shards.byId("s0"), "select count(*) from users where id = " + other[2]));

        // keyed work refused by the fence (its own transaction) waits for the switch and then runs on the target,
        // instead of throwing at once and being retried by the caller for the whole final stage
        CompletableFuture<User> waiting = CompletableFuture.supplyAsync(
                () -> first.repository(User.class).save(new User(sameBucket, "waited for the switch")));
        Thread.sleep(200);
        assertFalse(waiting.isDone(), "a write to a FENCED bucket waits (" + (waiting.isCompletedExceptionally()
                ? "failed: " + waiting.handle((u, e) -> e).join() : "done") + ")");
        Topology moved = mover.completeMove(Set.of(bucket));
        waiting.get(10, TimeUnit.SECONDS);
        assertEquals(0, count(shards.byId("s0"), "select count(*) from users where id = " + sameBucket));
        assertEquals(1, count(shards.byId("s1"), "select count(*) from users where id = " + sameBucket + " and name = 'waited for the switch'"),
                "the waiting write ran on the target once the switch was adopted");
        assertEquals("s1", moved.map().shardOf(bucket));
        assertEquals(BucketState.Phase.MOVED, moved.stateOf(bucket).phase());
        // the up-to-date instance writes s0 again; a stale session (older version) never does
        first.repository(User.class).save(new User(other[3], "after"));
        SQLException stale = assertThrows(SQLException.class, () -> staleInsert(shards.byId("s0"), fenced.version(), other[4]));
        assertEquals("SHF01", stale.getSQLState());
        assertThrows(SQLException.class, () -> staleInsert(shards.byId("s0"), 0, other[5]));
        assertEquals(0, count(shards.byId("s0"), "select count(*) from users where id in (" + (other[4]) + ", "
                + (other[5]) + ")"));

        Topology released = mover.releaseFence(Set.of(bucket));
        assertEquals(BucketState.SERVING, released.stateOf(bucket));
        assertEquals(0, count(shards.byId("s0"), "select count(*) from sharding_orm.fence"));
        assertEquals(0, count(shards.byId("s0"), "select count(*) from pg_trigger where tgname = 'shorm_fence'"),
                "no trigger once nothing moves: the fence costs nothing");
        assertEquals(released.version(), queryLong(shards.byId("s1"), "select version from sharding_orm.topology"));
    }

    @Test
    void abortMoveDropsTheFence() throws Exception {
        TopologyService mover = ((ShardedPersistenceImpl) first).topologyService();
        long key = keyInBucket(first.shardMap(), "s0");
        int bucket = bucketOf(key);
        mover.beginMove(Set.of(bucket), "s0", "s1");
        mover.fence(Set.of(bucket));
        assertThrows(IllegalStateException.class, () -> mover.fence(Set.of(bucket)), "fence of a FENCED bucket");
        Topology aborted = mover.abortMove(Set.of(bucket));
        assertEquals(BucketState.SERVING, aborted.stateOf(bucket));
        assertEquals("s0", aborted.map().shardOf(bucket));
        first.repository(User.class).save(new User(key, "after abort"));
        assertEquals(1, count(shards.byId("s0"), "select count(*) from users where id = " + key));
        assertEquals(0, count(shards.byId("s0"), "select count(*) from pg_trigger where tgname = 'shorm_fence'"));
    }

    @Test
    void startUpRefusesAConflictingMapAnotherClusterAndOtherBucketCountsWritingNothing() throws Exception {
        first.replaceShardMap(first.shardMap().reassign(0, 0, "s1"));
        long stored = first.topology().version();
        first.close();
        first = null;
        ShardMap explicit = ShardMap.builder(BUCKETS).version(stored).assign(0, BUCKETS - 1, "s0").build();
        ShardingConfigurationException conflict = assertThrows(ShardingConfigurationException.class,
                () -> build(SchemaAction.UPDATE, explicit).close());
        assertTrue(conflict.getMessage().contains("(version " + stored + ")") && conflict.getMessage().contains("conflicts"),
                conflict.getMessage());

        ShardingConfigurationException buckets = assertThrows(ShardingConfigurationException.class, () -> {
            ShardedPersistenceBuilder b = builder(SchemaAction.UPDATE).bucketCount(128);
            b.build().close();
        });
        assertTrue(buckets.getMessage().contains("64 buckets but 128"), buckets.getMessage());

        execute(shards.byId("s1"), "update sharding_orm.topology set cluster_id = 'other'");
        execute(shards.byId("s1"), "update sharding_orm.shard_identity set cluster_id = 'other'");
        ShardingConfigurationException cluster = assertThrows(ShardingConfigurationException.class,
                () -> build(SchemaAction.UPDATE, null).close());
        assertTrue(cluster.getMessage().contains("different clusters"), cluster.getMessage());
        assertEquals(stored, queryLong(shards.byId("s0"), "select version from sharding_orm.topology"), "nothing written");
        assertEquals(0, count(shards.byId("s0"), "select count(*) from sharding_orm.instance"));
    }

    @Test
    void swappedShardUrlsAreRefused() {
        first.close();
        first = null;
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        b.shard("s0", shards.get(1).jdbcUrl(), shards.get(1).username(), shards.get(1).password());
        b.shard("s1", shards.get(0).jdbcUrl(), shards.get(0).username(), shards.get(0).password());
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> b.entities(User.class, Post.class).schema(SchemaAction.UPDATE).bucketCount(BUCKETS).build().close());
        assertTrue(e.getMessage().contains("shard 's0': its database is shard 's1'"), e.getMessage());
    }

    @Test
    void anInstanceThatCannotReadTheTopologyRefusesWritesAfterTheBoundAndReadsGoOn() throws Exception {
        first.close();
        first = builder(SchemaAction.UPDATE).bucketCount(BUCKETS).topologyStaleAfter(java.time.Duration.ofMillis(500)).build();
        first.repository(User.class).save(new User(11L, "before"));
        for (ShardDatabase db : shards) {
            execute(db, "alter table sharding_orm.topology rename to topology_hidden");
        }
        try {
            Thread.sleep(1500);
            RuntimeException e = assertThrows(RuntimeException.class, () -> first.repository(User.class).save(new User(12L, "refused")));
            Throwable t = e;
            while (t != null && !(t instanceof io.github.shardingorm.ShardTopologyUnavailableException)) {
                t = t.getCause();
            }
            assertNotNull(t, "expected ShardTopologyUnavailableException, got " + e);
            assertTrue(t.getMessage().contains("could not read the stored topology"), t.getMessage());
            assertTrue(first.repository(User.class).findById(11L, 11L).isPresent(), "reads go on");
        } finally {
            for (ShardDatabase db : shards) {
                execute(db, "alter table sharding_orm.topology_hidden rename to topology");
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                first.repository(User.class).save(new User(13L, "after"));
                break;
            } catch (RuntimeException stillStale) {
                assertTrue(System.nanoTime() < deadline, "writes did not resume: " + stillStale);
                Thread.sleep(50);
            }
        }
        assertEquals(0, count(shards.byId("s0"), "select count(*) from users where id = 12")
                + count(shards.byId("s1"), "select count(*) from users where id = 12"), "nothing of the refused write");
    }

    @Test
    void validateWithoutTheTablesKeepsTheMapInMemory() throws Exception {
        first.close();
        first = null;
        for (ShardDatabase db : shards) {
            execute(db, "drop schema sharding_orm cascade");
        }
        try (ShardedPersistence orm = build(SchemaAction.VALIDATE, null)) {
            assertFalse(orm.topology().stored());
            orm.repository(User.class).save(new User(7L, "in memory"));
            assertNotNull(orm.repository(User.class).findById(7L, 7L).orElse(null));
        }
        for (ShardDatabase db : shards) {
            assertEquals(0, count(db, "select count(*) from pg_namespace where nspname = 'sharding_orm'"));
        }
    }

    // ------------------------------------------------------------------ helpers

    private ShardedPersistenceBuilder builder(SchemaAction action) {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (ShardDatabase db : shards) {
            builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        return builder.entities(User.class, Post.class).schema(action).maximumPoolSize(4);
    }

    private ShardedPersistence build(SchemaAction action, ShardMap explicit) {
        ShardedPersistenceBuilder b = builder(action);
        b.bucketCount(BUCKETS);
        if (explicit != null) {
            b.strategy(io.github.shardingorm.routing.ShardingStrategies.hash(explicit));
        }
        return b.build();
    }

    private static int bucketOf(long key) {
        return StableKeyHash.bucketOf(StableKeyHash.hash64(key), BUCKETS);
    }

    private static long keyInBucket(ShardMap map, String shard) {
        for (long k = 1; ; k++) {
            if (map.shardOf(bucketOf(k)).equals(shard)) {
                return k;
            }
        }
    }

    /** {@code n} keys on {@code shard} whose buckets are not {@code bucket}. */
    private static long[] keysOnShardOutside(ShardMap map, String shard, int bucket, int n) {
        long[] keys = new long[n];
        int found = 0;
        for (long k = 1; found < n; k++) {
            int b = bucketOf(k);
            if (b != bucket && map.shardOf(b).equals(shard)) {
                keys[found++] = k;
            }
        }
        return keys;
    }

    /** {@code n} keys in {@code bucket} other than {@code except}. */
    private static long[] keysInBucket(int bucket, long except, int n) {
        long[] keys = new long[n];
        int found = 0;
        for (long k = 1; found < n; k++) {
            if (k != except && bucketOf(k) == bucket) {
                keys[found++] = k;
            }
        }
        return keys;
    }

    /** A writer of another instance that knows only {@code version}: a raw JDBC insert into s0's users. */
    private static int staleInsert(ShardDatabase db, long version, long id) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET shorm.topology_version = " + version);
            return st.executeUpdate("insert into users (id, name) values (" + id + ", 'stale')");
        }
    }

    private static long count(ShardDatabase db, String sql) throws SQLException {
        return queryLong(db, sql);
    }

    private static long queryLong(ShardDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    private static String queryString(ShardDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    private static void execute(ShardDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
