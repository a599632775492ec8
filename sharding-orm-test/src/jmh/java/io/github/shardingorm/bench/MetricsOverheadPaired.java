package io.github.shardingorm.bench;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.metrics.ShardingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metrics on against metrics off, paired (issue 15): the keyed insert and point read of
 * {@link MetricsOverheadBenchmark}, with BOTH units open at once over the same 4 shard databases
 * ({@code off}: {@code statistics(false)}, no registry; {@code on}: statistics plus a bound
 * {@link SimpleMeterRegistry}), run in short alternating phases (off, on, on, off, ...). On a loaded
 * machine throughput drifts by several times within a minute; a pair of adjacent phases sees about
 * the same load, so the ratio of each pair says more than two separate JMH forks. Also reported:
 * this JVM's CPU time per operation (all its threads, from the OS), which waiting for a core does
 * not inflate. Arguments: {@code [rounds] [phaseMillis] [threads]}, default 20, 500, 4 (after 4
 * warm-up rounds); or {@code interleaved [seconds] [threads]} (see {@link #interleaved}), the finer
 * pairing. The command is in docs/benchmarks.md (issue 15).
 */
public final class MetricsOverheadPaired {

    static final List<String> DATABASES = List.of("bench_p0", "bench_p1", "bench_p2", "bench_p3");
    static final int PRELOADED = 10_000;

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private MetricsOverheadPaired() {
    }

    interface Op {
        void run(ShardedPersistence orm, ShardedRepository<BenchUser, Long> users);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("interleaved")) {
            interleaved(args.length > 1 ? Integer.parseInt(args[1]) : 30, args.length > 2 ? Integer.parseInt(args[2]) : 4,
                    args.length > 3 ? args[3] : "off", args.length > 4 ? args[4] : "micrometer", args.length > 5 ? args[5] : "both");
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int phaseMillis = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        BenchDatabases.recreate(DATABASES);
        AtomicLong nextId = new AtomicLong(1_000_000_000L);
        try (ShardedPersistence off = unit(SchemaAction.CREATE, false); ShardedPersistence on = unit(SchemaAction.NONE, true)) {
            preload(off);
            Map<String, Op> ops = new LinkedHashMap<>();
            ops.put("findById", (orm, users) -> users.findById(ThreadLocalRandom.current().nextLong(1, PRELOADED + 1)));
            ops.put("insert", (orm, users) -> {
                BenchUser u = new BenchUser(nextId.getAndIncrement());
                orm.inTransaction(u.id, s -> s.persist(u));
            });
            for (Map.Entry<String, Op> op : ops.entrySet()) {
                double[] ratios = new double[rounds];
                double[] cpuAdded = new double[rounds];
                double[] cpuOff = new double[rounds];
                double sumOff = 0;
                double sumOn = 0;
                for (int r = -4; r < rounds; r++) {
                    boolean offFirst = (r & 1) == 0;
                    double[] a = phase(offFirst ? off : on, op.getValue(), phaseMillis, threads);
                    double[] b = phase(offFirst ? on : off, op.getValue(), phaseMillis, threads);
                    double[] pOff = offFirst ? a : b;
                    double[] pOn = offFirst ? b : a;
                    if (r >= 0) {
                        ratios[r] = pOn[0] / pOff[0];
                        cpuOff[r] = pOff[1];
                        cpuAdded[r] = pOn[1] - pOff[1];
                        sumOff += pOff[0];
                        sumOn += pOn[0];
                    }
                }
                double[] sortedRatios = ratios.clone();
                Arrays.sort(sortedRatios);
                double geo = 0;
                for (double x : ratios) {
                    geo += Math.log(x);
                }
                geo = Math.exp(geo / rounds);
                System.out.printf(Locale.ROOT, "%s, %d pairs of %d ms, %d threads: throughput on/off per pair median %.3f"
                                + " (quartiles %.3f..%.3f), geometric mean %.3f; mean ops/s off %.0f, on %.0f;"
                                + " client CPU per op off median %.1f us, added by metrics median %+.2f us (quartiles %+.2f..%+.2f)%n",
                        op.getKey(), rounds, phaseMillis, threads, median(sortedRatios), sortedRatios[rounds / 4],
                        sortedRatios[(3 * rounds) / 4], geo, sumOff / rounds, sumOn / rounds, median(sorted(cpuOff)),
                        median(sorted(cpuAdded)), sorted(cpuAdded)[rounds / 4], sorted(cpuAdded)[(3 * rounds) / 4]);
            }
        } finally {
            BenchDatabases.drop(DATABASES);
        }
    }

    /**
     * Interleaved per operation: every thread alternates one operation on the metrics-off unit and one
     * on the metrics-on unit (the order flips each time), timing each with {@code System.nanoTime()}
     * and the thread's CPU clock; the load the two see is the same to within one operation. Reports
     * the mean and median wall time and the mean thread CPU time per operation of each, and the
     * difference. {@code seconds} per operation kind after a quarter of it as warm-up.
     */
    private static void interleaved(int seconds, int threads, String first, String second, String only) throws Exception {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        BenchDatabases.recreate(DATABASES);
        AtomicLong nextId = new AtomicLong(1_000_000_000L);
        System.out.printf("interleaved: '%s' (reported as off) against '%s' (reported as on)%n", first, second);
        try (ShardedPersistence off = unit(SchemaAction.CREATE, first); ShardedPersistence on = unit(SchemaAction.NONE, second)) {
            preload(off);
            ShardedRepository<BenchUser, Long> offUsers = off.repository(BenchUser.class);
            ShardedRepository<BenchUser, Long> onUsers = on.repository(BenchUser.class);
            Map<String, Op> ops = new LinkedHashMap<>();
            ops.put("findById", (orm, users) -> users.findById(ThreadLocalRandom.current().nextLong(1, PRELOADED + 1)));
            ops.put("insert", (orm, users) -> {
                BenchUser u = new BenchUser(nextId.getAndIncrement());
                orm.inTransaction(u.id, s -> s.persist(u));
            });
            ops.keySet().removeIf(k -> !only.equals("both") && !only.equals(k));
            for (Map.Entry<String, Op> op : ops.entrySet()) {
                for (int pass = 0; pass < 2; pass++) {
                    boolean measure = pass == 1;
                    long deadline = System.nanoTime() + (measure ? seconds : Math.max(1, seconds / 4)) * 1_000_000_000L;
                    int cap = 400_000;
                    long[][] wall = new long[2][cap * threads];
                    long[][] cpu = new long[2][threads];
                    int[] counts = new int[threads];
                    List<Thread> workers = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int me = t;
                        Thread w = new Thread(() -> {
                            int n = 0;
                            while (System.nanoTime() < deadline && n < cap) {
                                boolean offFirst = (n & 1) == 0;
                                for (int k = 0; k < 2; k++) {
                                    boolean isOff = (k == 0) == offFirst;
                                    long c0 = mx.getCurrentThreadCpuTime();
                                    long t0 = System.nanoTime();
                                    op.getValue().run(isOff ? off : on, isOff ? offUsers : onUsers);
                                    long t1 = System.nanoTime();
                                    long c1 = mx.getCurrentThreadCpuTime();
                                    int which = isOff ? 0 : 1;
                                    wall[which][me * cap + n] = t1 - t0;
                                    cpu[which][me] += c1 - c0;
                                }
                                n++;
                            }
                            counts[me] = n;
                        });
                        w.start();
                        workers.add(w);
                    }
                    for (Thread w : workers) {
                        w.join();
                    }
                    if (!measure) {
                        continue;
                    }
                    long n = 0;
                    for (int c : counts) {
                        n += c;
                    }
                    double[][] means = new double[2][3];
                    for (int which = 0; which < 2; which++) {
                        long[] all = new long[(int) n];
                        int at = 0;
                        long sum = 0;
                        long cpuSum = 0;
                        for (int t = 0; t < threads; t++) {
                            System.arraycopy(wall[which], t * cap, all, at, counts[t]);
                            at += counts[t];
                            cpuSum += cpu[which][t];
                        }
                        for (long x : all) {
                            sum += x;
                        }
                        Arrays.sort(all);
                        means[which] = new double[] {sum / 1e3 / n, all[all.length / 2] / 1e3, cpuSum / 1e3 / n};
                    }
                    System.out.printf(Locale.ROOT, "%s interleaved, %d threads, %,d operations each: wall per op mean off %.1f us,"
                                    + " on %.1f us (%+.2f%%); median off %.1f us, on %.1f us (%+.2f%%); thread CPU per op off %.2f us,"
                                    + " on %.2f us (added %+.2f us)%n", op.getKey(), threads, n, means[0][0], means[1][0],
                            100 * (means[1][0] / means[0][0] - 1), means[0][1], means[1][1], 100 * (means[1][1] / means[0][1] - 1),
                            means[0][2], means[1][2], means[1][2] - means[0][2]);
                }
            }
        } finally {
            BenchDatabases.drop(DATABASES);
        }
    }

    private static ShardedPersistence unit(SchemaAction schema, boolean metrics) {
        ShardedPersistence orm = unit(schema, metrics ? "statistics" : "off");
        if (metrics) {
            new ShardingMetrics(orm).bindTo(new SimpleMeterRegistry());
        }
        return orm;
    }

    /**
     * {@code off} (statistics(false), no registry), {@code statistics} (the default), {@code micrometer} (statistics and a
     * registry) or {@code micrometer-nopool} (the same with {@code poolMetrics(false)}: no HikariCP tracker).
     */
    private static ShardedPersistence unit(SchemaAction schema, String metrics) {
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        for (int i = 0; i < DATABASES.size(); i++) {
            b.shard("s" + i, BenchDatabases.url(DATABASES.get(i)), BenchDatabases.USER, BenchDatabases.PASSWORD);
        }
        ShardedPersistence orm = b.entities(BenchUser.class).schema(schema).maximumPoolSize(MetricsOverheadBenchmark.POOL_SIZE)
                .statistics(!metrics.equals("off")).build();
        if (metrics.equals("micrometer")) {
            new ShardingMetrics(orm).bindTo(new SimpleMeterRegistry());
        } else if (metrics.equals("micrometer-nopool")) {
            new ShardingMetrics(orm).poolMetrics(false).bindTo(new SimpleMeterRegistry());
        }
        return orm;
    }

    private static void preload(ShardedPersistence orm) {
        Map<String, List<BenchUser>> byShard = new LinkedHashMap<>();
        for (long id = 1; id <= PRELOADED; id++) {
            BenchUser u = new BenchUser(id);
            byShard.computeIfAbsent(orm.shardOfEntity(u), s -> new ArrayList<>()).add(u);
        }
        byShard.forEach((shard, list) -> orm.fromTransactionOnShard(shard, session -> {
            list.forEach(session::persist);
            return null;
        }));
    }

    /** {ops per second, this JVM's CPU microseconds per op} of one phase. */
    private static double[] phase(ShardedPersistence orm, Op op, int millis, int threads) throws InterruptedException {
        ShardedRepository<BenchUser, Long> users = orm.repository(BenchUser.class);
        AtomicLong done = new AtomicLong();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        List<Thread> workers = new ArrayList<>();
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < deadline) {
                    op.run(orm, users);
                    n++;
                }
                done.addAndGet(n);
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        long wall = System.nanoTime() - t0;
        long cpu = OS.getProcessCpuTime() - cpu0;
        long n = Math.max(1, done.get());
        return new double[] {n * 1e9 / wall, cpu / 1e3 / n};
    }

    private static double[] sorted(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
