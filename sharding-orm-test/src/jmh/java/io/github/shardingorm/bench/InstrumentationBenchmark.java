package io.github.shardingorm.bench;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.internal.stats.OperationKind;
import io.github.shardingorm.internal.stats.ShardingEvents;
import io.github.shardingorm.internal.stats.StatisticsRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the keyed path pays per operation for being observed, without a database: one
 * {@code start()} / {@code finished()} pair and one {@code keyRouted()} (the bucket sketch), as
 * {@code ShardSessions} and the router call them, 4 threads over 4 shards and 4096 buckets.
 * {@code micrometer} adds a listener that records a Micrometer timer (the real binding is reached
 * through {@code ShardingMetrics}; here a SimpleMeterRegistry timer stands in, same cost shape).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(4)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InstrumentationBenchmark {

    private static final List<String> SHARDS = List.of("s0", "s1", "s2", "s3");

    @Param({"off", "statistics", "micrometer"})
    public String metrics;

    private Instrumentation instrumentation;

    @Setup
    public void setUp() {
        instrumentation = "off".equals(metrics) ? Instrumentation.off()
                : new Instrumentation(new StatisticsRecorder(SHARDS, Duration.ofSeconds(60), true, System::nanoTime));
        if ("micrometer".equals(metrics)) {
            io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            io.micrometer.core.instrument.Timer[] timers = new io.micrometer.core.instrument.Timer[SHARDS.size()];
            for (int i = 0; i < timers.length; i++) {
                timers[i] = io.micrometer.core.instrument.Timer.builder("db.client.operation.duration").tag("shard", SHARDS.get(i)).register(registry);
            }
            instrumentation.addListener(new ShardingEvents() {
                @Override
                public void operation(String shard, String role, OperationKind kind, long nanos, String errorReason) {
                    timers[shard.charAt(1) - '0'].record(nanos, TimeUnit.NANOSECONDS);
                }
            });
        }
    }

    @Benchmark
    public void keyedOperation() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String shard = SHARDS.get(r.nextInt(4));
        long started = instrumentation.start();
        instrumentation.keyRouted(shard, r.nextInt(4096));
        instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.READ, started, null);
    }

    /** Unused reference so that the import of the API stays checked by the compiler. */
    static Class<?> api() {
        return ShardedPersistence.class;
    }
}
