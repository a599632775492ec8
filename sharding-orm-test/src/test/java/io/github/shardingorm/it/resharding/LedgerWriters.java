package io.github.shardingorm.it.resharding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writer threads doing keyed inserts, updates and deletes of users with their posts, each on the
 * shard its cached map names, inside the guard of {@link GuardTopology}; a refused write refreshes
 * the map and retries. Each thread owns the ids {@code = thread (mod threads)} and keeps a ledger
 * of every acknowledged write (the version it wrote, or absence), so the end state is known.
 * Every operation's latency (first attempt to acknowledgement) is recorded with its bucket.
 */
final class LedgerWriters implements AutoCloseable {

    /** One acknowledged operation: when it started, how long it took, its bucket. */
    record Op(long startNanos, long nanos, int bucket) {
    }

    private final List<ReshardFixture.Shard> shards;
    private final GuardTopology topology;
    private final int threads;
    private final boolean followTopology;
    private volatile String[] owners;
    private volatile boolean running = true;
    private final List<Thread> workers = new ArrayList<>();
    private final Map<Long, Integer> users;
    private final Map<Long, Integer> posts;
    private final List<Op> ops = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicLong refused = new AtomicLong();
    final AtomicLong acknowledged = new AtomicLong();
    private final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    /** The expected rows: users and posts id &rarr; version; shared by successive rounds of writers. */
    record Ledger(Map<Long, Integer> users, Map<Long, Integer> posts) {
        static Ledger loaded(int loadedUsers) {
            Ledger l = new Ledger(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
            for (long id = 1; id <= loadedUsers; id++) {
                l.users.put(id, 0);
                l.posts.put(id * 10 + 1, 0);
                l.posts.put(id * 10 + 2, 0);
            }
            return l;
        }
    }

    LedgerWriters(List<ReshardFixture.Shard> shards, GuardTopology topology, int threads, Ledger ledger, boolean followTopology) {
        this.shards = shards;
        this.topology = topology;
        this.threads = threads;
        this.followTopology = followTopology;
        this.owners = topology.owners();
        this.users = ledger.users();
        this.posts = ledger.posts();
    }

    void start(long firstNewId, long seed) {
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(() -> run(thread, firstNewId, new Random(seed + thread)), "ledger-writer-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
    }

    /** Stops the writers and waits for them; fails if any thread failed. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread w : workers) {
            w.join(30_000);
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("a writer failed: " + failures.get(0), failures.get(0));
            throw e;
        }
    }

    Map<Long, Integer> users() {
        return users;
    }

    Map<Long, Integer> posts() {
        return posts;
    }

    List<Op> ops() {
        synchronized (ops) {
            return new ArrayList<>(ops);
        }
    }

    private void run(int thread, long firstNewId, Random random) {
        Map<String, Connection> connections = new HashMap<>();
        List<Long> live = new ArrayList<>();
        users.keySet().stream().filter(id -> id % threads == thread).sorted().forEach(live::add);
        long nextId = firstNewId + thread - firstNewId % threads;
        while (nextId % threads != thread || nextId < firstNewId) {
            nextId++;
        }
        try {
            while (running) {
                int dice = random.nextInt(10);
                if (dice < 4 && !live.isEmpty()) {
                    long id = live.get(random.nextInt(live.size()));
                    int v = users.get(id) + 1;
                    int pv = posts.get(id * 10 + 1) + 1;
                    write(connections, id, c -> {
                        exec(c, "UPDATE users SET version = ?, email = ? WHERE id = ?", v, "u" + id + "-v" + v + "@example.org", id);
                        exec(c, "UPDATE posts SET version = ?, body = ? WHERE id = ?", pv, "edited " + pv, id * 10 + 1);
                    });
                    users.put(id, v);
                    posts.put(id * 10 + 1, pv);
                } else if (dice < 7 || live.isEmpty()) {
                    long id = nextId;
                    nextId += threads;
                    write(connections, id, c -> {
                        exec(c, "INSERT INTO users VALUES (?, ?, ?, 0)", id, "user " + id, "u" + id + "-v0@example.org");
                        exec(c, "INSERT INTO posts VALUES (?, ?, ?, 0)", id * 10 + 1, id, "first of " + id);
                        exec(c, "INSERT INTO posts VALUES (?, ?, ?, 0)", id * 10 + 2, id, "second of " + id);
                    });
                    users.put(id, 0);
                    posts.put(id * 10 + 1, 0);
                    posts.put(id * 10 + 2, 0);
                    live.add(id);
                } else {
                    long id = live.remove(random.nextInt(live.size()));
                    write(connections, id, c -> {
                        exec(c, "DELETE FROM posts WHERE author_id = ?", id);
                        exec(c, "DELETE FROM users WHERE id = ?", id);
                    });
                    users.remove(id);
                    posts.remove(id * 10 + 1);
                    posts.remove(id * 10 + 2);
                }
                acknowledged.incrementAndGet();
            }
        } catch (Throwable e) {
            failures.add(e);
        } finally {
            for (Connection c : connections.values()) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing after the run
                }
            }
        }
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void write(Map<String, Connection> connections, long key, Work work) throws SQLException, InterruptedException {
        int bucket = ReshardFixture.bucketOf(key);
        long start = System.nanoTime();
        int attempts = 0;
        while (true) {
            String shard = owners[bucket];
            Connection c = connections.get(shard);
            if (c == null) {
                c = shards.stream().filter(s -> s.id().equals(shard)).findFirst().orElseThrow().connect();
                c.setAutoCommit(false);
                connections.put(shard, c);
            }
            boolean writable;
            try (PreparedStatement ps = c.prepareStatement("SELECT writable FROM test_fence WHERE bucket = ? FOR SHARE")) {
                ps.setInt(1, bucket);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    writable = rs.getBoolean(1);
                }
            }
            if (writable) {
                work.run(c);
                c.commit();
                ops.add(new Op(start, System.nanoTime() - start, bucket));
                return;
            }
            c.rollback();
            refused.incrementAndGet();
            if (++attempts > 60_000) {
                throw new IllegalStateException("bucket " + bucket + " stayed unwritable on " + shard + " for " + attempts + " attempts");
            }
            Thread.sleep(1);
            if (followTopology && attempts % 5 == 0) {
                owners = topology.owners();
            }
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** p50, p99 and max latency in ms of the operations in [from, to) whose bucket is (or is not) in {@code buckets}. */
    static double[] latencies(List<Op> ops, long from, long to, Set<Integer> buckets, boolean inside) {
        double[] ms = ops.stream().filter(o -> o.startNanos() >= from && o.startNanos() < to)
                .filter(o -> buckets.contains(o.bucket()) == inside).mapToDouble(o -> o.nanos() / 1e6).sorted().toArray();
        if (ms.length == 0) {
            return new double[] {0, 0, 0, 0};
        }
        return new double[] {ms[ms.length / 2], ms[(int) Math.min(ms.length - 1, Math.floor(ms.length * 0.99))], ms[ms.length - 1], ms.length};
    }

    static String describe(double[] l) {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d ops)", l[0], l[1], l[2], (long) l[3]);
    }

    static String[] copy(String[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
