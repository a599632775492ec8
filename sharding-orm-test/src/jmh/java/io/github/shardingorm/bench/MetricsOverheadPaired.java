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
 * warm-up rounds). The command is in docs/benchmarks.md (issue 15).
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
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int phaseMillis = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        BenchDatabases.recreate(DATABASES);
        AtomicLong nextId = new AtomicLong(1_000_000_000L);
        try (ShardedPersistence off = unit(SchemaAction.CREATE, false); ShardedPersistence on = unit(SchemaAction.NONE, true)) {
            new ShardingMetrics(on).bindTo(new SimpleMeterRegistry());
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

    private static ShardedPersistence unit(SchemaAction schema, boolean metrics) {
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        for (int i = 0; i < DATABASES.size(); i++) {
            b.shard("s" + i, BenchDatabases.url(DATABASES.get(i)), BenchDatabases.USER, BenchDatabases.PASSWORD);
        }
        return b.entities(BenchUser.class).schema(schema).maximumPoolSize(MetricsOverheadBenchmark.POOL_SIZE).statistics(metrics).build();
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
