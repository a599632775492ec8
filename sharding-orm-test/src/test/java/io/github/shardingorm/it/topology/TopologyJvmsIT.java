package io.github.shardingorm.it.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.Topology;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.internal.ChildJvms;
import java.io.File;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The stored topology across separate JVMs ({@link TopologyChild}, started with the test class
 * path as {@link NodeIdIT} does) on the same 2 shards: 2 and then 3 JVMs follow a version change
 * made in one of them within 1 s; a JVM killed (destroyForcibly) while holding its node-id lease
 * blocks nobody (the others follow and write on, its lease is free after the lease timeout); a
 * stale JVM (following paused) never writes to a fenced bucket's old shard (direct SQL per shard).
 * {@link #propagationBenchmark} (with {@code -Dshardingorm.bench=true}) prints how long a change
 * takes to reach 2 and 8 JVMs.
 */
@PostgresShards(count = 2)
class TopologyJvmsIT {

    private static final int BUCKETS = 64;
    private static final long LEASE_MILLIS = 2_000;
    private static final java.util.concurrent.atomic.AtomicLong KEY_RANGES = new java.util.concurrent.atomic.AtomicLong();

    private final ShardDatabases shards;
    private final List<Child> children = new CopyOnWriteArrayList<>();
    private ShardedPersistence parent;

    TopologyJvmsIT(ShardDatabases shards) {
        this.shards = shards;
    }

    @BeforeEach
    void freshCluster() {
        var b = ShardedPersistence.builder();
        for (ShardDatabase db : shards) {
            b.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        parent = b.entities(User.class, Post.class).schema(SchemaAction.CREATE).maximumPoolSize(2).bucketCount(BUCKETS).build();
    }

    @AfterEach
    void stop() {
        for (Child c : children) {
            c.process.destroyForcibly();
        }
        for (Child c : children) {
            try {
                c.process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        children.clear();
        if (parent != null) {
            parent.close();
        }
    }

    @Test
    void twoThenThreeJvmsFollowAChangeMadeInOneOfThemWithinASecond() throws Exception {
        start(2);
        List<Long> micros = changes(5, 1);
        assertEquals(5, micros.size());
        start(1);
        micros.addAll(changes(5, 2));
        assertEquals(15, micros.size());
        System.out.println("TOPOLOGY-JVMS 2 then 3 JVMs: " + stats(micros));
    }

    @Test
    void aJvmKilledWhileHoldingItsLeaseBlocksNobodyAndItsLeaseIsReclaimed() throws Exception {
        start(3);
        Child killed = children.get(2);
        children.get(0).send("WRITE -1");
        children.get(1).send("WRITE -1");
        killed.send("WRITE -1");
        children.get(0).await(l -> l.startsWith("ACK"), 60_000);
        killed.await(l -> l.startsWith("ACK"), 60_000);
        killed.process.destroyForcibly();
        assertTrue(killed.process.waitFor(30, TimeUnit.SECONDS));
        children.remove(killed);
        long acksBefore = children.get(1).count("ACK ");
        // the others follow a change made in one of them, and keep writing
        List<Long> micros = changes(3, 1);
        assertEquals(3, micros.size());
        Thread.sleep(500);
        assertTrue(children.get(1).count("ACK ") > acksBefore, "the survivors keep writing");
        for (Child c : children) {
            assertEquals(0, c.count("FAILED"), c.output());
        }
        // the killed JVM's lease expires after the lease timeout: a new JVM can take its node id
        long deadline = System.currentTimeMillis() + LEASE_MILLIS + 10_000;
        while (leaseAlive(killed.node)) {
            assertTrue(System.currentTimeMillis() < deadline, "the lease of node " + killed.node + " was not reclaimed");
            Thread.sleep(100);
        }
        Child replacement = startWithNode(killed.node);
        assertEquals(killed.node, replacement.node, "the freed node id");
    }

    @Test
    void aStaleJvmNeverWritesToAFencedBucketsOldShard() throws Exception {
        start(2);
        TopologyService mover = ((ShardedPersistenceImpl) parent).topologyService();
        ShardMap map = parent.shardMap();
        int bucket = -1;
        for (int b = 0; b < BUCKETS; b++) {
            if (map.shardOf(b).equals("s0")) {
                bucket = b;
                break;
            }
        }
        Child stale = children.get(0);
        Child following = children.get(1);
        stale.send("PAUSE");
        stale.await(l -> l.startsWith("PAUSED"), 30_000);
        stale.send("WRITE " + bucket);
        following.send("WRITE " + bucket);
        stale.await(l -> l.startsWith("ACK"), 60_000);
        following.await(l -> l.startsWith("ACK"), 60_000);
        mover.beginMove(Set.of(bucket), "s0", "s1");
        Thread.sleep(200);
        Topology fenced = mover.fence(Set.of(bucket));
        Thread.sleep(300);
        long s0Before = countBucket(shards.byId("s0"), bucket);
        Thread.sleep(700); // the final stage, held: nothing of the bucket is written on s0 by anyone
        assertEquals(s0Before, countBucket(shards.byId("s0"), bucket), "writes to the fenced bucket on its old shard");
        FencePerBucketIT.copyBucket(shards.byId("s0"), shards.byId("s1"), bucket, BUCKETS);
        Topology moved = mover.completeMove(Set.of(bucket));
        FencePerBucketIT.deleteBucket(shards.byId("s0"), bucket, BUCKETS, moved.version());
        long staleAcks = stale.count("ACK ");
        Thread.sleep(1_000); // the stale JVM still routes the bucket to s0: refused there, never written
        assertEquals(0, countBucket(shards.byId("s0"), bucket), "the stale JVM wrote to the old owner after the switch");
        assertEquals(staleAcks, stale.count("ACK "), "no acknowledged stale write after the switch");
        assertTrue(stale.count("REFUSED") > 0, stale.output());
        assertTrue(following.lastVersion() >= moved.version(), "the following JVM has the new version");
        stale.send("RESUME");
        long resumed = System.currentTimeMillis();
        stale.await(l -> l.startsWith("VERSION " + moved.version()), 30_000);
        stale.await(l -> l.startsWith("ACK") && stale.ackedAfter(resumed), 30_000);
        stale.send("STOP");
        following.send("STOP");
        stale.await(l -> l.equals("STOPPED"), 30_000);
        following.await(l -> l.equals("STOPPED"), 30_000);
        assertEquals(0, countBucket(shards.byId("s0"), bucket), "nothing of the moved bucket on its old shard");
        // every acknowledged write of both JVMs is on the new owner
        Set<Long> onS1 = idsOfBucket(shards.byId("s1"), bucket);
        for (Child c : List.of(stale, following)) {
            assertEquals(0, c.count("FAILED"), c.output());
            for (long id : c.acked()) {
                assertTrue(onS1.contains(id), "acknowledged user " + id + " of " + c + " on s1");
            }
        }
        assertTrue(fenced.version() < moved.version());
    }

    /** Time for a version change to reach 2 and 8 JVMs (p50/p99); {@code -Dshardingorm.bench=true}. */
    @Test
    @EnabledIfSystemProperty(named = "shardingorm.bench", matches = "true", disabledReason = "a benchmark: run with -Dshardingorm.bench=true")
    void propagationBenchmark() throws Exception {
        int changes = Integer.getInteger("bench.changes", 30);
        for (int jvms : new int[] {2, 8}) {
            start(jvms + 1 - children.size());
            for (Child c : children) {
                if (!c.writing) {
                    c.writing = true;
                    c.send("WRITE -1"); // the instances write while the versions spread
                }
            }
            List<Long> micros = changes(changes, 0, false);
            System.out.println("TOPOLOGY-JVMS-BENCH changes made in 1 JVM reaching " + jvms + " other JVMs: " + stats(micros));
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * {@code n} changes made by {@code changer} (beginMove / abortMove of bucket 0 in turn); asserts
     * that every OTHER child adopts each within 1 s of the change's start; returns those times in µs.
     */
    private List<Long> changes(int n, int changer) throws Exception {
        return changes(n, changer, true);
    }

    /** As {@link #changes(int, int)}; a benchmark measures without asserting the bound. */
    private List<Long> changes(int n, int changer, boolean assertBound) throws Exception {
        List<Long> micros = new ArrayList<>();
        Child from = children.get(changer);
        for (int i = 0; i < n; i++) {
            int before = from.count("CHANGED ");
            from.send("CHANGE 0");
            String changed = from.nth("CHANGED ", before, 30_000);
            String[] parts = changed.split(" ");
            long version = Long.parseLong(parts[1]);
            long start = Long.parseLong(parts[2]);
            for (Child c : children) {
                if (c == from) {
                    continue;
                }
                String adopted = c.await(l -> l.startsWith("VERSION " + version + " "), 10_000);
                long at = Long.parseLong(adopted.split(" ")[2]);
                long took = at - start;
                assertTrue(!assertBound || took <= 1_000, c + " adopted version " + version + " after " + took + " ms (more than 1 s)");
                micros.add(took * 1000);
            }
            Thread.sleep(100);
        }
        return micros;
    }

    private void start(int n) throws Exception {
        List<Child> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(launch(-1));
        }
        for (Child c : started) {
            c.ready();
        }
    }

    private Child startWithNode(int node) throws Exception {
        Child c = launch(node);
        c.ready();
        return c;
    }

    private Child launch(int node) throws IOException {
        int index = children.size();
        long keyBase = KEY_RANGES.incrementAndGet() * 10_000_000L; // distinct key ranges per JVM
        Path logs = Files.createDirectories(Path.of("target", "topology-child"));
        List<String> args = List.of(shards.byId("s0").jdbcUrl(), shards.byId("s1").jdbcUrl(), shards.byId("s0").username(),
                String.valueOf(LEASE_MILLIS), String.valueOf(node), String.valueOf(keyBase), String.valueOf(BUCKETS));
        File err = logs.resolve("child-" + index + "-" + System.currentTimeMillis() + ".err").toFile();
        Process p = ChildJvms.start(TopologyChild.class, "128m", args, pb -> pb.redirectError(err));
        Child c = new Child("jvm" + index, p);
        children.add(c);
        return c;
    }

    private boolean leaseAlive(int node) throws SQLException {
        try (Connection c = shards.byId("s0").connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from sharding_orm.node_lease where node_id = " + node + " and expires_at > now()")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static long countBucket(ShardDatabase db, int bucket) throws SQLException {
        return idsOfBucket(db, bucket).size();
    }

    private static Set<Long> idsOfBucket(ShardDatabase db, int bucket) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select id from users")) {
            while (rs.next()) {
                if (FencePerBucketIT.bucketOf(rs.getLong(1), BUCKETS) == bucket) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static String stats(List<Long> micros) {
        List<Long> s = new ArrayList<>(micros);
        Collections.sort(s);
        return String.format("n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms", s.size(), s.get(s.size() / 2) / 1000.0,
                s.get((int) Math.min(s.size() - 1, Math.ceil(s.size() * 0.99) - 1)) / 1000.0, s.get(s.size() - 1) / 1000.0);
    }

    /** A child JVM: its stdin for commands, its stdout read into a list of lines by a thread. */
    private static final class Child {
        final String name;
        final Process process;
        final PrintWriter in;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final List<long[]> acks = Collections.synchronizedList(new ArrayList<>()); // id, when
        int node = -1;
        boolean writing;

        Child(String name, Process process) {
            this.name = name;
            this.process = process;
            this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("ACK ")) {
                            acks.add(new long[] {Long.parseLong(line.substring(4).trim()), System.currentTimeMillis()});
                        }
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("READ-FAILED " + e);
                }
            }, name + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String command) {
            in.println(command);
        }

        void ready() throws InterruptedException {
            String line = await(l -> l.startsWith("READY"), 600_000);
            node = Integer.parseInt(line.split(" ")[1].substring("node=".length()));
        }

        String await(Predicate<String> match, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (true) {
                synchronized (lines) {
                    for (String l : lines) {
                        if (match.test(l)) {
                            return l;
                        }
                    }
                }
                if (!process.isAlive()) {
                    Thread.sleep(200); // the reader thread may still hold the last lines
                    synchronized (lines) {
                        for (String l : lines) {
                            if (match.test(l)) {
                                return l;
                            }
                        }
                    }
                    throw new AssertionError(this + " died: " + output());
                }
                assertFalse(System.currentTimeMillis() > deadline, this + ": no matching line in " + millis + " ms: " + output());
                Thread.sleep(5);
            }
        }

        /** The line at index {@code index} (from 0) of those starting with {@code prefix}, once there is one. */
        String nth(String prefix, int index, long millis) throws InterruptedException {
            await(l -> count(prefix) > index, millis);
            synchronized (lines) {
                return lines.stream().filter(l -> l.startsWith(prefix)).skip(index).findFirst().orElseThrow();
            }
        }

        int count(String prefix) {
            synchronized (lines) {
                return (int) lines.stream().filter(l -> l.startsWith(prefix)).count();
            }
        }

        long lastVersion() {
            synchronized (lines) {
                long v = 0;
                for (String l : lines) {
                    if (l.startsWith("VERSION ")) {
                        v = Math.max(v, Long.parseLong(l.split(" ")[1]));
                    }
                }
                return v;
            }
        }

        List<Long> acked() {
            synchronized (acks) {
                return acks.stream().map(a -> a[0]).toList();
            }
        }

        boolean ackedAfter(long millis) {
            synchronized (acks) {
                return acks.stream().anyMatch(a -> a[1] > millis);
            }
        }

        String output() {
            synchronized (lines) {
                List<String> tail = lines.size() > 40 ? lines.subList(lines.size() - 40, lines.size()) : lines;
                return String.join("\n", tail);
            }
        }

        @Override
        public String toString() {
            return name + " (node " + node + ")";
        }
    }
}
