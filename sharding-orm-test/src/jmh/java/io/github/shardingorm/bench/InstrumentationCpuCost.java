package io.github.shardingorm.bench;

import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.internal.stats.LatencyHistogram;
import io.github.shardingorm.internal.stats.OperationKind;
import io.github.shardingorm.internal.stats.SpaceSaving;
import io.github.shardingorm.internal.stats.StatisticsRecorder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * CPU time per call of each part of the keyed path's instrumentation, measured with the thread's CPU
 * clock rather than wall time (on a loaded shared machine wall time mostly measures waiting for a
 * core). One thread, 1,000,000 calls per part and round, five rounds; uniform random buckets over
 * 4096 (the sketch's worst case: nearly every offer replaces its smallest counter); and the cost of one
 * Micrometer timer record (what the bound registry adds per operation). The command is
 * in docs/benchmarks.md (issue 15).
 *
 * <p>{@code threads N}: N threads share one statistics recorder (4 shards) and one Micrometer timer per
 * shard, and each does what a keyed operation does ({@code start}, {@code keyRouted}, {@code finished},
 * a timer record) 1,000,000 times per round; reported: the threads' CPU time per operation, which
 * shows contention between threads on shared counters that the one-thread loop cannot.
 */
public final class InstrumentationCpuCost {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int CALLS = 1_000_000;

    private InstrumentationCpuCost() {
    }

    private static long cpu() {
        return MX.getCurrentThreadCpuTime();
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) MX).getCurrentThreadAllocatedBytes();
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("threads")) {
            threaded(args.length > 1 ? Integer.parseInt(args[1]) : 4);
            return;
        }
        List<String> shards = List.of("s0", "s1", "s2", "s3");
        Instrumentation on = new Instrumentation(new StatisticsRecorder(shards, Duration.ofSeconds(60), true, System::nanoTime));
        Instrumentation off = Instrumentation.off();
        SpaceSaving sketch = new SpaceSaving(128);
        io.micrometer.core.instrument.Timer timer = io.micrometer.core.instrument.Timer.builder("db.client.operation.duration")
                .tag("shard", "s0").register(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        // what a user's registry may configure for the same timer (a MeterFilter, Spring Boot's percentiles-histogram):
        // Timer.record then also feeds the histogram; the cost the binding cannot avoid while the meter is a real Timer
        io.micrometer.core.instrument.Timer histogramTimer = io.micrometer.core.instrument.Timer.builder("db.client.operation.duration")
                .tag("shard", "s1").publishPercentileHistogram().publishPercentiles(0.5, 0.99)
                .register(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        LatencyHistogram histogram = new LatencyHistogram();
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            long t0 = cpu();
            for (int i = 0; i < CALLS; i++) {
                sketch.offer(ThreadLocalRandom.current().nextInt(4096));
            }
            long t1 = cpu();
            for (int i = 0; i < CALLS; i++) {
                histogram.record(i);
            }
            long t2 = cpu();
            for (int i = 0; i < CALLS; i++) {
                String shard = shards.get(i & 3);
                long started = on.start();
                on.finished(shard, Instrumentation.PRIMARY, OperationKind.READ, started, null);
            }
            long t3 = cpu();
            for (int i = 0; i < CALLS; i++) {
                on.keyRouted(shards.get(i & 3), ThreadLocalRandom.current().nextInt(4096));
            }
            long t4 = cpu();
            for (int i = 0; i < CALLS; i++) {
                String shard = shards.get(i & 3);
                long started = off.start();
                off.keyRouted(shard, i & 4095);
                off.finished(shard, Instrumentation.PRIMARY, OperationKind.READ, started, null);
                sink += started;
            }
            long t5 = cpu();
            for (int i = 0; i < CALLS; i++) {
                timer.record(i, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            long t6 = cpu();
            for (int i = 0; i < CALLS; i++) {
                histogramTimer.record(1000 + (i & 0xfffff), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            long t7 = cpu();
            System.out.printf(Locale.ROOT, "round %d, ns per call: sketch offer %d, histogram record %d, operation start+finished %d,"
                            + " keyRouted %d, everything off %d, a Micrometer timer record %d, with percentile histogram and"
                            + " percentiles %d%n", round, (t1 - t0) / CALLS, (t2 - t1) / CALLS,
                    (t3 - t2) / CALLS, (t4 - t3) / CALLS, (t5 - t4) / CALLS, (t6 - t5) / CALLS, (t7 - t6) / CALLS);
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    private static void threaded(int threads) throws InterruptedException {
        List<String> shards = List.of("s0", "s1", "s2", "s3");
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        io.micrometer.core.instrument.Timer[] timers = new io.micrometer.core.instrument.Timer[shards.size()];
        for (int s = 0; s < timers.length; s++) {
            timers[s] = io.micrometer.core.instrument.Timer.builder("db.client.operation.duration").tag("shard", shards.get(s)).register(registry);
        }
        for (String mode : List.of("off", "statistics", "statistics+timer")) {
            Instrumentation on = mode.equals("off") ? Instrumentation.off()
                    : new Instrumentation(new StatisticsRecorder(shards, Duration.ofSeconds(60), true, System::nanoTime));
            if (mode.equals("statistics+timer")) {
                on.addListener(new io.github.shardingorm.internal.stats.ShardingEvents() {
                    @Override
                    public void operation(String shard, String role, OperationKind kind, long nanos, String errorReason) {
                        timers[shard.charAt(1) - '0'].record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                });
            }
            for (int round = 0; round < 5; round++) {
                long[] cpu = new long[threads];
                long[] allocated = new long[threads];
                Thread[] workers = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    int me = t;
                    workers[t] = new Thread(() -> {
                        long a0 = allocated();
                        long c0 = cpu();
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        for (int i = 0; i < CALLS; i++) {
                            int bucket = random.nextInt(4096);
                            String shard = shards.get(bucket & 3);
                            long started = on.start();
                            on.keyRouted(shard, bucket);
                            on.finished(shard, Instrumentation.PRIMARY, OperationKind.READ, started, null);
                        }
                        cpu[me] = cpu() - c0;
                        allocated[me] = allocated() - a0;
                    });
                }
                for (Thread w : workers) {
                    w.start();
                }
                for (Thread w : workers) {
                    w.join();
                }
                long total = 0;
                long bytes = 0;
                for (int t = 0; t < threads; t++) {
                    total += cpu[t];
                    bytes += allocated[t];
                }
                System.out.printf(Locale.ROOT, "%d threads, %s, round %d: CPU ns per keyed operation %d, bytes allocated per operation %.3f%n",
                        threads, mode, round, total / ((long) CALLS * threads), (double) bytes / ((long) CALLS * threads));
            }
            on.close();
        }
    }
}
