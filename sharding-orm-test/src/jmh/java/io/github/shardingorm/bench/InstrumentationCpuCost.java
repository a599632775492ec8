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
 */
public final class InstrumentationCpuCost {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int CALLS = 1_000_000;

    private InstrumentationCpuCost() {
    }

    private static long cpu() {
        return MX.getCurrentThreadCpuTime();
    }

    public static void main(String[] args) {
        List<String> shards = List.of("s0", "s1", "s2", "s3");
        Instrumentation on = new Instrumentation(new StatisticsRecorder(shards, Duration.ofSeconds(60), true, System::nanoTime));
        Instrumentation off = Instrumentation.off();
        SpaceSaving sketch = new SpaceSaving(128);
        io.micrometer.core.instrument.Timer timer = io.micrometer.core.instrument.Timer.builder("db.client.operation.duration")
                .tag("shard", "s0").register(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
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
            System.out.printf(Locale.ROOT, "round %d, ns per call: sketch offer %d, histogram record %d, operation start+finished %d,"
                            + " keyRouted %d, everything off %d, a Micrometer timer record %d%n", round, (t1 - t0) / CALLS, (t2 - t1) / CALLS,
                    (t3 - t2) / CALLS, (t4 - t3) / CALLS, (t5 - t4) / CALLS, (t6 - t5) / CALLS);
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}
