package io.github.shardingorm.it.health;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.health.HealthState;
import io.github.shardingorm.health.NodeHealth;
import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.metrics.ShardingMetrics;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The issue-14 workload runner (docs/benchmarks.md, "Issue 14"): on private servers (one primary
 * whose databases {@code w_0}, {@code w_1} are shards s0, s1, and two streaming replicas of it),
 * in one run and interleaved by round:
 * <ol>
 *   <li>keyed point reads ({@code repository.findById}), read-only, with no replica configured
 *       (primaries only), 1 and 2 replicas per shard, and 2 replicas with read-from {@code PRIMARY};</li>
 *   <li>keyed write transactions (find + update) without and with replicas: the cost of
 *       read-your-writes, in time and in statements per transaction ({@code pg_stat_statements});</li>
 *   <li>keyed reads and inserts with health monitoring on (defaults: probe every 250 ms, socket
 *       and statement deadlines) and as far off as configuration allows (a probe per hour, no
 *       socket or statement timeout; the per-call breaker check stays).</li>
 * </ol>
 * Arguments: {@code --seconds=N} (measured per cell, default 10), {@code --warmup=N} (default 3),
 * {@code --threads=N} (default 4), {@code --rounds=N} (default 2), {@code --rows=N} per shard
 * (default 1000). Prints one Markdown row per cell and round.
 */
public final class ReplicaWorkloadMain {

    private static final String PASSWORD = "pw-never-printed";
    private static final List<String> SHARDS = List.of("s0", "s1");

    private static int seconds = 10;
    private static int warmup = 3;
    private static int threads = 4;
    private static int rounds = 2;
    private static int rows = 1000;

    private static PostgresServer primary;
    private static PostgresServer replicaA;
    private static PostgresServer replicaB;
    private static long[] keys;
    private static final AtomicLong NEXT_INSERT = new AtomicLong(50_000_000L);

    private ReplicaWorkloadMain() {
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            int v = Integer.parseInt(kv[1]);
            switch (kv[0]) {
                case "seconds" -> seconds = v;
                case "warmup" -> warmup = v;
                case "threads" -> threads = v;
                case "rounds" -> rounds = v;
                case "rows" -> rows = v;
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        System.out.printf("issue-14 workload: %d threads, %d s warm-up + %d s per cell, %d rounds, %d rows per shard, %d cores%n",
                threads, warmup, seconds, rounds, rows, Runtime.getRuntime().availableProcessors());
        try (PostgresServerGroup servers = PostgresServerGroup.start(1, "shared_preload_libraries=pg_stat_statements",
                "pg_stat_statements.track_utility=on")) {
            primary = servers.get(0);
            setUp();
            Map<String, List<String>> table = new LinkedHashMap<>();
            System.out.printf("%n-- JIT warm-up (not reported) --%n");
            Map<String, List<String>> discarded = new LinkedHashMap<>();
            read(discarded, "warm-up: reads, 2 replicas", 2, null);
            read(discarded, "warm-up: reads, primaries", 0, null);
            write(discarded, "warm-up: write tx", 2);
            for (int round = 1; round <= rounds; round++) {
                boolean reverse = round % 2 == 0; // each pair runs in both orders: neither side always goes first
                System.out.printf("%n-- round %d: reads --%n", round);
                List<Cell> reads = List.of(
                        () -> read(table, "primaries only (no replica configured)", 0, null),
                        () -> read(table, "1 replica per shard", 1, null),
                        () -> read(table, "2 replicas per shard", 2, null),
                        () -> read(table, "2 replicas per shard, read-from PRIMARY", 2, ReadFrom.PRIMARY));
                inOrder(reads, reverse);
                System.out.printf("%n-- round %d: write transactions --%n", round);
                inOrder(List.of(() -> write(table, "write tx, no replica (no read-your-writes)", 0),
                        () -> write(table, "write tx, 2 replicas per shard (read-your-writes)", 2)), reverse);
                System.out.printf("%n-- round %d: health monitoring --%n", round);
                inOrder(List.of(() -> health(table, "findById, health on (defaults)", true, false),
                        () -> health(table, "findById, health off (probe 1/h, no deadlines)", false, false)), reverse);
                inOrder(List.of(() -> health(table, "insert, health on (defaults)", true, true),
                        () -> health(table, "insert, health off (probe 1/h, no deadlines)", false, true)), reverse);
            }
            System.out.printf("%n| cell | %s |%n| --- |%s%n", rounds == 1 ? "round 1" : String.join(" | ",
                    java.util.stream.IntStream.rangeClosed(1, rounds).mapToObj(r -> "round " + r).toList()),
                    " --- |".repeat(rounds));
            table.forEach((cell, results) -> System.out.printf("| %s | %s |%n", cell, String.join(" | ", results)));
        }
    }

    /** A cell of the workload. */
    @FunctionalInterface
    private interface Cell {
        void run() throws Exception;
    }

    private static void inOrder(List<Cell> cells, boolean reverse) throws Exception {
        List<Cell> order = new ArrayList<>(cells);
        if (reverse) {
            java.util.Collections.reverse(order);
        }
        for (Cell cell : order) {
            cell.run();
        }
    }

    // ------------------------------------------------------------------ set-up

    private static void setUp() throws Exception {
        primary.createDatabase("w_0");
        primary.createDatabase("w_1");
        try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("create extension if not exists pg_stat_statements");
        }
        try (ShardedPersistence schema = builder(0, SchemaAction.CREATE).build()) {
            List<Long> all = new ArrayList<>();
            for (String shard : SHARDS) {
                for (long k : ShardHealthIT.keysOn(schema, shard, rows)) {
                    all.add(k);
                }
            }
            keys = all.stream().mapToLong(Long::longValue).toArray();
            List<User> users = new ArrayList<>();
            for (long k : keys) {
                users.add(new User(k, "u" + k));
            }
            schema.repository(User.class).saveAll(users);
        }
        replicaA = primary.createReplica();
        replicaB = primary.createReplica();
        System.out.printf("servers: primary :%d, replicas :%d and :%d; %d users%n", primary.port(), replicaA.port(), replicaB.port(),
                keys.length);
    }

    private static ShardedPersistenceBuilder builder(int replicas) {
        return builder(replicas, SchemaAction.NONE);
    }

    private static ShardedPersistenceBuilder builder(int replicas, SchemaAction schema) {
        ShardedPersistenceBuilder b = ShardedPersistence.builder()
                .shard("s0", primary.jdbcUrl("w_0"), primary.username(), PASSWORD)
                .shard("s1", primary.jdbcUrl("w_1"), primary.username(), PASSWORD)
                .entities(User.class).schema(schema).maximumPoolSize(threads);
        List<PostgresServer> list = List.of(replicaA == null ? primary : replicaA, replicaB == null ? primary : replicaB);
        for (int r = 0; r < replicas; r++) {
            b.replica("s0", list.get(r).jdbcUrl("w_0"), primary.username(), PASSWORD)
                    .replica("s1", list.get(r).jdbcUrl("w_1"), primary.username(), PASSWORD);
        }
        return b;
    }

    // ------------------------------------------------------------------ cells

    private static void read(Map<String, List<String>> table, String cell, int replicas, ReadFrom readFrom) throws Exception {
        ShardedPersistenceBuilder b = builder(replicas);
        if (readFrom != null) {
            b.readFrom(readFrom);
        }
        try (ShardedPersistence orm = b.build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new ShardingMetrics(orm).bindTo(registry);
            awaitReplicas(orm);
            ShardedRepository<User, Long> users = orm.repository(User.class);
            Result r = run(i -> {
                long key = keys[ThreadLocalRandom.current().nextInt(keys.length)];
                if (users.findById(key).isEmpty()) {
                    throw new IllegalStateException("user " + key + " not found");
                }
            });
            long byReplica = count(registry, "replica", "read");
            long byPrimary = count(registry, "primary", "read");
            String share = String.format("%.0f%% by replicas", 100.0 * byReplica / Math.max(1, byReplica + byPrimary));
            record(table, cell, r, share);
        }
    }

    private static void write(Map<String, List<String>> table, String cell, int replicas) throws Exception {
        try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("select pg_stat_statements_reset()");
        }
        AtomicLong transactions = new AtomicLong();
        Result r;
        try (ShardedPersistence orm = builder(replicas).build()) {
            awaitReplicas(orm);
            r = run(i -> {
                long key = keys[ThreadLocalRandom.current().nextInt(keys.length)];
                orm.inTransaction(key, s -> s.find(User.class, key).setName("w" + i));
                orm.resetConsistency(); // a request's scope: the next request on this thread starts without a token
            });
            transactions.set(r.all);
        }
        Thread.sleep(1500); // the backends flush their statement statistics as they exit (the pools closed)
        Map<String, Long> statements = new LinkedHashMap<>();
        try (Connection c = primary.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select regexp_replace(lower(query), '\\s+', ' ', 'g'), sum(calls) from pg_stat_statements s"
                     + " join pg_database d on d.oid = s.dbid where d.datname in ('w_0', 'w_1')"
                     + " and query not like '%pg_is_in_recovery%' group by 1 order by 2 desc")) {
            while (rs.next()) {
                statements.put(shorten(rs.getString(1)), rs.getLong(2));
            }
        }
        StringBuilder perTx = new StringBuilder();
        statements.forEach((q, n) -> {
            double per = (double) n / transactions.get();
            if (per >= 0.01) {
                perTx.append(String.format("%s%s %.2f", perTx.length() == 0 ? "" : ", ", q, per));
            }
        });
        record(table, cell, r, "statements per tx: " + perTx);
    }

    private static void health(Map<String, List<String>> table, String cell, boolean on, boolean insert) throws Exception {
        ShardedPersistenceBuilder b = builder(0);
        if (!on) {
            b.healthProbe(Duration.ofHours(1), Duration.ofSeconds(2)).socketTimeout(Duration.ZERO).statementTimeout(Duration.ZERO);
        }
        try (ShardedPersistence orm = b.build()) {
            ShardedRepository<User, Long> users = orm.repository(User.class);
            Result r = run(insert ? i -> {
                long id = NEXT_INSERT.getAndIncrement();
                users.save(new User(id, "n" + id));
            } : i -> {
                long key = keys[ThreadLocalRandom.current().nextInt(keys.length)];
                if (users.findById(key).isEmpty()) {
                    throw new IllegalStateException("user " + key + " not found");
                }
            });
            record(table, cell, r, "");
        }
    }

    // ------------------------------------------------------------------ the loop

    /** {@code all}: every operation, warm-up included; the rest: the measured part. */
    private record Result(long all, long total, double perSecond, double p50Micros, double p99Micros, long errors) {
    }

    /** {@code threads} threads run {@code op} for the warm-up, then for {@code seconds}; latencies of the measured part. */
    private static Result run(LongConsumer op) throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        AtomicLong errors = new AtomicLong();
        AtomicLong all = new AtomicLong();
        List<long[]> samples = new ArrayList<>();
        long[] counts = new long[threads];
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int thread = t;
            long[][] mine = {new long[1 << 16]};
            Thread w = new Thread(() -> {
                int n = 0;
                long i = 0;
                try {
                    while (!stop.get()) {
                        boolean measured = measuring.get();
                        long start = System.nanoTime();
                        try {
                            op.accept(i++);
                            all.incrementAndGet();
                        } catch (RuntimeException e) {
                            if (measured) {
                                errors.incrementAndGet();
                            }
                            continue;
                        }
                        if (measured && !stop.get()) {
                            if (n == mine[0].length) {
                                mine[0] = Arrays.copyOf(mine[0], n * 2);
                            }
                            mine[0][n++] = System.nanoTime() - start;
                        }
                    }
                } finally {
                    counts[thread] = n;
                    synchronized (samples) {
                        samples.add(Arrays.copyOf(mine[0], n));
                    }
                    done.countDown();
                }
            }, "workload-" + t);
            workers.add(w);
            w.start();
        }
        Thread.sleep(warmup * 1000L);
        measuring.set(true);
        long started = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        long elapsed = System.nanoTime() - started;
        done.await();
        long[] sorted = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long total = sorted.length;
        return new Result(all.get(), total, total / (elapsed / 1e9), pct(sorted, 0.50) / 1e3, pct(sorted, 0.99) / 1e3, errors.get());
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static void record(Map<String, List<String>> table, String cell, Result r, String extra) {
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String text = String.format("%,.0f ops/s, p50 %,.0f µs, p99 %,.0f µs%s%s (load %.1f)", r.perSecond, r.p50Micros, r.p99Micros,
                r.errors > 0 ? ", " + r.errors + " errors" : "", extra.isEmpty() ? "" : "; " + extra, load);
        System.out.printf("%-55s %s%n", cell, text);
        table.computeIfAbsent(cell, k -> new ArrayList<>()).add(text);
    }

    private static long count(SimpleMeterRegistry registry, String role, String operation) {
        return registry.find("db.client.operation.duration").tag("role", role).tag("db.operation.name", operation)
                .timers().stream().mapToLong(Timer::count).sum();
    }

    private static String shorten(String query) {
        if (query.startsWith("select (pg_current_wal_lsn()")) {
            return "`pg_current_wal_lsn()`";
        }
        String[] words = query.split(" ");
        return "`" + (words.length > 0 ? words[0] : query) + (query.contains(" users") ? " users" : "") + "`";
    }

    private static void awaitReplicas(ShardedPersistence orm) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!orm.health().stream().allMatch(h -> h.replicas().stream()
                .allMatch(r -> r.state() == HealthState.UP && r.lag() != NodeHealth.INFINITE
                        && r.lag().compareTo(Duration.ofSeconds(1)) <= 0))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replicas not UP within 1 s of lag: " + orm.health());
            }
            Thread.sleep(20);
        }
    }
}
