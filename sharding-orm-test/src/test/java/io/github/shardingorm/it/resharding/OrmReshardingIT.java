package io.github.shardingorm.it.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardTopologyChangedException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingPlan;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code orm.resharding().addShard("s2")} on a running unit with the stored topology while three
 * threads keep writing through the library (retrying the fence's {@link ShardTopologyChangedException}):
 * afterwards every user and post is on the shard its key routes to (direct SQL on every shard),
 * every acknowledged name is there, nothing is left moving, no slot or publication is left.
 */
@PostgresServers(count = 2, settings = {"wal_level=logical", "max_replication_slots=10", "max_wal_senders=10",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off",
        // every lock wait longer than 1 ms is logged, so the report can COUNT what writers waited for
        "log_lock_waits=on", "deadlock_timeout=1ms"})
class OrmReshardingIT {

    @Test
    void addShardUnderWritesThroughTheLibrary(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var server = servers.get(i % 2);
            server.createDatabase("orm_" + i);
            shards.add(new ReshardFixture.Shard("s" + i, server.jdbcUrl("orm_" + i), server.username(), ""));
        }
        ShardMap initial = ShardMap.builder(64).version(1).assign(0, 31, "s0").assign(32, 63, "s1").build();
        var builder = ShardedPersistence.builder();
        shards.forEach(s -> builder.shard(s.id(), s.url(), s.user(), s.password()));
        try (ShardedPersistence orm = builder.entities(User.class, Post.class).schema(SchemaAction.CREATE).bucketCount(64)
                .strategy(ShardingStrategies.hash(initial)).maximumPoolSize(8).build()) {
            Map<Long, String> ledger = new ConcurrentHashMap<>();
            List<Object> load = new ArrayList<>();
            for (long id = 1; id <= 2_000; id++) {
                load.add(new User(id, "n0"));
                load.add(new Post(id, "post of " + id));
                ledger.put(id, "n0");
            }
            orm.saveAll(load);
            boolean count = Boolean.getBoolean("reshard.count");
            if (count) {
                for (int i = 0; i < 2; i++) {
                    try (Connection c = java.sql.DriverManager.getConnection(servers.get(i).jdbcUrl("postgres"), servers.get(i).username(), "");
                         Statement st = c.createStatement()) {
                        st.execute("ALTER SYSTEM SET log_statement = 'all'");
                        st.execute("ALTER SYSTEM SET log_line_prefix = '%m|%d|%p|'");
                        st.execute("SELECT pg_reload_conf()");
                    }
                }
            }
            WindowCounts counts = count ? new WindowCounts(servers) : null;
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong refused = new AtomicLong();
            Map<String, Long> refusals = new ConcurrentHashMap<>();
            AtomicLong acknowledged = new AtomicLong();
            // per acknowledged write: bucket, first attempt, acknowledgement (retries included)
            java.util.concurrent.ConcurrentLinkedQueue<long[]> latencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
            // per adopted version: when, and the FENCED buckets with their source
            List<Object[]> versions = java.util.Collections.synchronizedList(new ArrayList<>());
            ((io.github.shardingorm.internal.boot.ShardedPersistenceImpl) orm).topologyService().onTopologyChange(t -> {
                Map<Integer, String> fenced = new HashMap<>();
                t.moving().forEach((b, st) -> {
                    if (st.phase() == BucketState.Phase.FENCED) {
                        fenced.put(b, st.from());
                    }
                });
                versions.add(new Object[] {System.nanoTime(), fenced, t.map()});
                if (counts != null) {
                    counts.at(!fenced.isEmpty());
                }
            });
            java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 3; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    java.util.Random random = new java.util.Random(thread);
                    long next = 100_000 + thread;
                    int n = 0;
                    // -Dreshard.pace.micros=N: one write per N us per writer (a slot missed is skipped, not caught up), so the
                    // machine is not saturated; 0 (the default): each writer writes again as soon as the last write returned
                    long pace = Long.getLong("reshard.pace.micros", 0) * 1000;
                    long slot = System.nanoTime();
                    try {
                        while (running.get()) {
                            if (pace > 0) {
                                slot = Math.max(slot + pace, System.nanoTime());
                                java.util.concurrent.locks.LockSupport.parkNanos(slot - System.nanoTime());
                            }
                            long id;
                            String name = "t" + thread + "-" + (++n);
                            boolean insert = random.nextInt(4) == 0;
                            if (insert) {
                                id = next;
                                next += 3;
                            } else {
                                id = 1 + 3L * random.nextInt(666) + thread;
                            }
                            long key = id;
                            long started = System.nanoTime();
                            long cpuStarted = cpu.getCurrentThreadCpuTime();
                            int attempts = 0;
                            while (true) {
                                attempts++;
                                try {
                                    if (insert) {
                                        orm.inTransaction(key, s -> s.persist(new User(key, name)));
                                    } else {
                                        orm.inTransaction(key, s -> s.find(User.class, key).setName(name));
                                    }
                                    break;
                                } catch (ShardTopologyChangedException e) {
                                    refused.incrementAndGet();
                                    int bucket = io.github.shardingorm.routing.StableKeyHash.bucketOf(
                                            io.github.shardingorm.routing.StableKeyHash.hash64(key), 64);
                                    boolean byTrigger = false;
                                    for (Throwable c = e; c != null; c = c.getCause()) {
                                        byTrigger |= c instanceof java.sql.SQLException sql && "SHF01".equals(sql.getSQLState());
                                    }
                                    refusals.merge((e.getBuckets().contains(bucket) ? "fenced bucket" : "other bucket")
                                            + (byTrigger ? ", by the trigger (connection at an older version)" : ", in Java"), 1L, Long::sum);
                                    Thread.sleep(2);
                                }
                            }
                            latencies.add(new long[] {io.github.shardingorm.routing.StableKeyHash.bucketOf(
                                    io.github.shardingorm.routing.StableKeyHash.hash64(key), 64), started, System.nanoTime(),
                                    attempts, cpu.getCurrentThreadCpuTime() - cpuStarted});
                            ledger.put(id, name);
                            acknowledged.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "orm-writer-" + t);
                w.start();
                writers.add(w);
            }
            Thread.sleep(Long.getLong("reshard.baseline.millis", 2_000)); // writes without a move, for comparison
            long jobStarted = System.nanoTime();
            ReshardingPlan plan = orm.resharding().addShard("s2").plan();
            System.out.println(plan.describe());
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            ReshardingJob job = plan.start(p -> lines.add(p.toLine()));
            job.awaitCompletion();
            Thread.sleep(300);
            running.set(false);
            for (Thread w : writers) {
                w.join(30_000);
            }
            assertEquals(List.of(), failures, "writers failed");
            assertTrue(job.isDone(), job.progress().toString());
            assertEquals(21, orm.shardMap().bucketsOf("s2"), orm.shardMap().toString());
            for (int b = 0; b < 64; b++) {
                assertEquals(BucketState.Phase.SERVING, orm.topology().stateOf(b).phase(), "bucket " + b);
            }
            Map<Long, String> found = new HashMap<>();
            for (ReshardFixture.Shard s : shards) {
                try (Connection c = s.connect(); Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT id, name FROM users")) {
                        while (rs.next()) {
                            long id = rs.getLong(1);
                            assertEquals(orm.shardOf(id), s.id(), "user " + id + " on its shard");
                            assertTrue(found.put(id, rs.getString(2)) == null, "user " + id + " on one shard only");
                        }
                    }
                    try (ResultSet rs = st.executeQuery("SELECT author_id FROM posts")) {
                        while (rs.next()) {
                            assertEquals(orm.shardOf(rs.getLong(1)), s.id(), "post of " + rs.getLong(1) + " with its author");
                        }
                    }
                }
            }
            assertEquals(ledger, found, "every acknowledged write, nothing else");
            assertEquals(2_000, ReshardFixture.count(shards.get(0), "SELECT count(*) FROM posts")
                    + ReshardFixture.count(shards.get(1), "SELECT count(*) FROM posts") + ReshardFixture.count(shards.get(2), "SELECT count(*) FROM posts"));
            assertEquals(List.of(), ReshardFixture.leftovers(shards));
            System.out.printf("addShard under the library's writers: %,d acknowledged writes, %,d refused by the fence and retried%n",
                    acknowledged.get(), refused.get());
            pauseReport(latencies, versions, jobStarted);
            if (counts != null) {
                counts.report();
            }
            System.out.println("RESHARD-REFUSED by cause: " + new java.util.TreeMap<>(refusals));
            System.out.println("RESHARD-REFUSED avoided: write statements whose connection's version was raised to the instance's"
                    + " before they ran: " + ((io.github.shardingorm.internal.boot.ShardedPersistenceImpl) orm).topologyService()
                    .writesBroughtUpToDate());
            for (int i = 0; i < 2; i++) {
                lockWaitReport("server " + i, servers.get(i).dataDirectory().getParent().resolve("server.log"));
            }
            assertTrue(orm.repository(User.class).findById(1L, 1L).isPresent());
        }
    }

    /**
     * Prints the write latency (first attempt to acknowledgement) of the buckets in their final
     * stage (FENCED, as this instance adopted it), of the source's other buckets in the same
     * windows, of the other shards' buckets, and of writes before the job started.
     */
    private static void pauseReport(java.util.Collection<long[]> latencies, List<Object[]> versions, long jobStarted) {
        List<long[]> windows = new ArrayList<>(); // bucket, start, end
        List<String> sources = new ArrayList<>();
        Map<Integer, Long> open = new HashMap<>();
        Map<Integer, String> openSource = new HashMap<>();
        synchronized (versions) {
            for (Object[] v : versions) {
                long at = (Long) v[0];
                @SuppressWarnings("unchecked")
                Map<Integer, String> fenced = (Map<Integer, String>) v[1];
                for (Map.Entry<Integer, String> e : fenced.entrySet()) {
                    open.putIfAbsent(e.getKey(), at);
                    openSource.putIfAbsent(e.getKey(), e.getValue());
                }
                for (Integer b : new ArrayList<>(open.keySet())) {
                    if (!fenced.containsKey(b)) {
                        windows.add(new long[] {b, open.remove(b), at});
                        sources.add(openSource.remove(b));
                    }
                }
            }
        }
        ShardMap before = ShardMap.builder(64).version(1).assign(0, 31, "s0").assign(32, 63, "s1").build();
        List<Long> moved = new ArrayList<>();
        List<Long> sameSource = new ArrayList<>();
        List<Long> others = new ArrayList<>();
        List<Long> baseline = new ArrayList<>();
        List<Long> outside = new ArrayList<>();
        List<long[]> sameSourceWrites = new ArrayList<>();
        // the JVM's first final stage: its compiled writer code never saw a fence and is deoptimized there (JFR
        // jdk.Deoptimization: unstable_if in ShardRouter's fence checks), so it is reported apart from the later ones
        long firstStage = windows.stream().mapToLong(x -> x[1]).min().orElse(Long.MIN_VALUE);
        List<Long> sameSourceFirst = new ArrayList<>();
        List<Long> sameSourceLater = new ArrayList<>();
        for (long[] w : latencies) {
            long micros = (w[2] - w[1]) / 1000;
            if (w[2] < jobStarted) {
                baseline.add(micros);
                continue;
            }
            int hit = -1;
            for (int i = 0; i < windows.size(); i++) {
                long[] x = windows.get(i);
                if (w[1] < x[2] && w[2] > x[1]) {
                    hit = i;
                    if (x[0] == w[0]) {
                        break;
                    }
                }
            }
            if (hit < 0) {
                outside.add(micros);
                continue;
            }
            long[] x = windows.get(hit);
            if (x[0] == w[0]) {
                moved.add(micros);
            } else if (before.shardOf((int) w[0]).equals(sources.get(hit))) {
                sameSource.add(micros);
                (x[1] == firstStage ? sameSourceFirst : sameSourceLater).add(micros);
                sameSourceWrites.add(new long[] {micros, w[3], w[4] / 1000, versionsDuring(versions, w[1], w[2]),
                        (w[1] - x[1]) / 1000});
            } else {
                others.add(micros);
            }
        }
        System.out.println("RESHARD-PAUSE final stages seen: " + windows.size());
        System.out.println("RESHARD-PAUSE moved buckets, during their final stage:      " + stats(moved));
        System.out.println("RESHARD-PAUSE other buckets of the same source, same window: " + stats(sameSource));
        System.out.println("RESHARD-PAUSE buckets of the other shards, same window:      " + stats(others));
        System.out.println("RESHARD-PAUSE every write before the job started (no move):  " + stats(baseline));
        System.out.println("RESHARD-PAUSE every write during the job, outside final stages: " + stats(outside));
        // the final stages hold a handful of writes per run (a p99 over them is their max): these lines let runs be pooled
        System.out.println("RESHARD-SAMPLES same-source-us " + sameSource);
        System.out.println("RESHARD-SAMPLES same-source-first-stage-us " + sameSourceFirst);
        System.out.println("RESHARD-SAMPLES same-source-later-stages-us " + sameSourceLater);
        System.out.println("RESHARD-SAMPLES other-shards-us " + others);
        System.out.println("RESHARD-SAMPLES no-move-us " + baseline);
        System.out.println("RESHARD-SAMPLES job-outside-final-us " + outside);
        // what the slowest writes to the source's other buckets did: a retry, a version adopted meanwhile,
        // or on-CPU work (thread CPU close to the latency) rather than waiting
        sameSourceWrites.sort((a, b) -> Long.compare(b[0], a[0]));
        for (long[] w : sameSourceWrites.subList(0, Math.min(5, sameSourceWrites.size()))) {
            System.out.printf("RESHARD-PAUSE   slow other-bucket write: %.1f ms, %d attempt(s), thread CPU %.1f ms,"
                    + " %d version(s) adopted during it, started %.1f ms into the final stage%n", w[0] / 1000.0, w[1], w[2] / 1000.0,
                    w[3], w[4] / 1000.0);
        }
    }

    private static long versionsDuring(List<Object[]> versions, long from, long to) {
        synchronized (versions) {
            return versions.stream().filter(v -> (Long) v[0] > from && (Long) v[0] < to).count();
        }
    }

    /**
     * Counts the lock waits the server logged ({@code log_lock_waits}, after {@code deadlock_timeout}
     * = 1 ms): per lock mode, relation and waiting statement, and the deadlocks.
     */
    static void lockWaitReport(String server, java.nio.file.Path log) throws java.io.IOException {
        if (!java.nio.file.Files.exists(log)) {
            System.out.println("RESHARD-LOCKS " + server + ": no server log at " + log);
            return;
        }
        List<String> lines = java.nio.file.Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
        Map<String, Integer> waits = new java.util.TreeMap<>();
        int deadlocks = 0;
        java.util.regex.Pattern wait = java.util.regex.Pattern.compile("still waiting for (\\w+) on (relation \\d+|[^ ]+ [^ ]+)");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            java.util.regex.Matcher m = wait.matcher(line);
            if (m.find()) {
                String statement = "";
                for (int j = i + 1; j < Math.min(lines.size(), i + 4); j++) {
                    if (lines.get(j).contains("STATEMENT:")) {
                        statement = lines.get(j).substring(lines.get(j).indexOf("STATEMENT:") + 10).trim();
                        statement = statement.length() > 60 ? statement.substring(0, 60) : statement;
                        break;
                    }
                }
                waits.merge(m.group(1) + " on " + m.group(2) + " by: " + statement, 1, Integer::sum);
            }
            if (line.contains("deadlock detected")) {
                deadlocks++;
            }
        }
        System.out.println("RESHARD-LOCKS " + server + ": " + waits.values().stream().mapToInt(Integer::intValue).sum()
                + " lock waits over 1 ms, " + deadlocks + " deadlocks");
        waits.forEach((k, v) -> System.out.println("RESHARD-LOCKS   " + v + " x " + k));
    }

    private static String stats(List<Long> micros) {
        if (micros.isEmpty()) {
            return "no samples";
        }
        List<Long> s = new ArrayList<>(micros);
        java.util.Collections.sort(s);
        return String.format("n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms", s.size(), s.get(s.size() / 2) / 1000.0,
                s.get((int) Math.min(s.size() - 1, Math.ceil(s.size() * 0.99) - 1)) / 1000.0, s.get(s.size() - 1) / 1000.0);
    }

    /**
     * With -Dreshard.count=true: what runs during each final stage (from this instance adopting
     * FENCED to adopting the next version), COUNTED rather than timed: the statements each shard
     * database logged ({@code log_statement = all}, by kind), the CPU time of every thread of this
     * JVM and of each server's backends ({@code /proc}, children of its postmaster).
     */
    static final class WindowCounts {
        private final PostgresServerGroup servers;
        private final List<long[]> windows = new ArrayList<>(); // wall start, wall end
        private final Map<String, Long> threadCpu = new java.util.TreeMap<>();
        private final long[] serverCpu = new long[2];
        private Map<Long, long[]> threadsAtStart;
        private long[] serversAtStart;
        private long startWall;
        private boolean open;

        WindowCounts(PostgresServerGroup servers) {
            this.servers = servers;
        }

        synchronized void at(boolean fenced) {
            long now = System.currentTimeMillis();
            if (fenced && !open) {
                open = true;
                startWall = now;
                threadsAtStart = threads();
                serversAtStart = serverTicks();
            } else if (!fenced && open) {
                open = false;
                windows.add(new long[] {startWall, now});
                Map<Long, long[]> end = threads();
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                end.forEach((id, cpu) -> {
                    long[] was = threadsAtStart.get(id);
                    long d = cpu[0] - (was == null ? 0 : was[0]);
                    if (d > 0) {
                        java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
                        String name = info == null ? "thread " + id : info.getThreadName().replaceAll("-\\d+$", "-N");
                        threadCpu.merge(name, d, Long::sum);
                    }
                });
                long[] ticks = serverTicks();
                for (int i = 0; i < 2; i++) {
                    serverCpu[i] += ticks[i] - serversAtStart[i];
                }
            }
        }

        private static Map<Long, long[]> threads() {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            Map<Long, long[]> out = new HashMap<>();
            for (long id : mx.getAllThreadIds()) {
                out.put(id, new long[] {mx.getThreadCpuTime(id)});
            }
            return out;
        }

        /** utime + stime (clock ticks) of each server's postmaster children. */
        private long[] serverTicks() {
            long[] out = new long[2];
            for (int i = 0; i < 2; i++) {
                try {
                    long postmaster = Long.parseLong(java.nio.file.Files.readAllLines(
                            servers.get(i).dataDirectory().resolve("postmaster.pid")).get(0).trim());
                    // the postmaster's children from /proc/<pid>/task/<pid>/children (scanning all of /proc took
                    // ~40 ms of the mover thread's CPU per final stage in the first counting run)
                    String children = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + postmaster + "/task/" + postmaster + "/children"));
                    for (String pid : children.trim().split("\\s+")) {
                        if (pid.isEmpty()) {
                            continue;
                        }
                        try {
                            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
                            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            out[i] += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        } catch (java.io.IOException | RuntimeException gone) {
                            // the process ended meanwhile
                        }
                    }
                } catch (java.io.IOException e) {
                    out[i] = 0;
                }
            }
            return out;
        }

        private static String kind(String sql) {
            String s = sql.toLowerCase(java.util.Locale.ROOT);
            if (s.contains("sharding_orm.topology_range")) return "topology_range";
            if (s.contains("sharding_orm.topology")) return "topology row";
            if (s.contains("sharding_orm.fence")) return "fence rows";
            if (s.contains("sharding_orm.instance")) return "heartbeat/instances";
            if (s.contains("sharding_orm.node")) return "node lease";
            if (s.contains("shorm_reshard_job") || s.contains("sharding_orm.reshard")) return "job row";
            if (s.contains("pg_stat_activity") || s.contains("pg_prepared_xacts") || s.contains("clock_timestamp")) return "fence: older txs";
            if (s.contains("pg_logical_emit_message")) return "marker/probe";
            if (s.contains("shorm.topology_version")) return "session version (SET/set_config)";
            if (s.contains("synchronous_commit")) return "SET synchronous_commit";
            if (s.startsWith("notify")) return "NOTIFY";
            if (s.startsWith("commit") || s.startsWith("rollback") || s.startsWith("begin")) return s.split("[ ;]")[0].toUpperCase();
            if (s.contains(" users") || s.contains(" posts") || s.contains("u1_0")) return "app (users/posts)";
            return "other: " + (s.length() > 50 ? s.substring(0, 50) : s);
        }

        void report() throws Exception {
            System.out.println("RESHARD-COUNT final stages: " + windows.size() + ", total " + windows.stream().mapToLong(w -> w[1] - w[0]).sum() + " ms");
            java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
            java.util.regex.Pattern line = java.util.regex.Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) UTC\\|([^|]*)\\|(\\d+)\\|LOG:  (?:statement|execute [^:]*): (.*)$");
            for (int i = 0; i < 2; i++) {
                Map<String, Map<String, Integer>> byDb = new java.util.TreeMap<>();
                Map<String, java.util.Set<String>> pids = new java.util.TreeMap<>();
                for (String l : java.nio.file.Files.readAllLines(servers.get(i).logFile(), java.nio.charset.StandardCharsets.UTF_8)) {
                    java.util.regex.Matcher m = line.matcher(l);
                    if (!m.find()) {
                        continue;
                    }
                    long t = java.time.LocalDateTime.parse(m.group(1), f).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
                    boolean in = windows.stream().anyMatch(w -> t >= w[0] && t <= w[1]);
                    if (!in) {
                        continue;
                    }
                    String k = kind(m.group(4));
                    byDb.computeIfAbsent(m.group(2), x -> new java.util.TreeMap<>()).merge(k, 1, Integer::sum);
                    if (!k.startsWith("app")) {
                        pids.computeIfAbsent(m.group(2), x -> new java.util.TreeSet<>()).add(m.group(3));
                    }
                }
                for (var e : byDb.entrySet()) {
                    int lib = e.getValue().entrySet().stream().filter(x -> !x.getKey().startsWith("app")).mapToInt(Map.Entry::getValue).sum();
                    System.out.println("RESHARD-COUNT server " + i + " db " + e.getKey() + ": " + lib + " statements besides the app's, from "
                            + pids.getOrDefault(e.getKey(), java.util.Set.of()).size() + " sessions: " + e.getValue());
                }
                System.out.println("RESHARD-COUNT server " + i + " backends' CPU in the final stages: " + serverCpu[i] * 10 + " ms");
            }
            threadCpu.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12)
                    .forEach(e -> System.out.printf("RESHARD-COUNT JVM thread CPU in the final stages: %.1f ms %s%n", e.getValue() / 1e6, e.getKey()));
        }
    }
}
