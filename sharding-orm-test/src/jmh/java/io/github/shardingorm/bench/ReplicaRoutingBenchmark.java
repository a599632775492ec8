package io.github.shardingorm.bench;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.health.ConsistencyToken;
import io.github.shardingorm.health.NodeRole;
import io.github.shardingorm.internal.config.ReplicaSettings;
import io.github.shardingorm.internal.health.NodeMonitor;
import io.github.shardingorm.internal.jdbc.ReadContext;
import io.github.shardingorm.internal.jdbc.ReplicaChoice;
import io.github.shardingorm.internal.jdbc.ShardPools;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path that issue 14 adds to every call, no database: the replica choice of a read (the
 * same {@link ReplicaChoice} the read router uses: read-from, the thread's consistency token, round
 * robin over 2 replicas checked on their breaker, sampled lag and replay LSN), while a sampler
 * thread rewrites the samples every 100 ms as the probes do; the breaker check of a call on the
 * primary (closed: one volatile read, plus the success bookkeeping); and a call refused by an open
 * breaker (building the exception the caller gets).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplicaRoutingBenchmark {

    private static final List<String> SHARDS = List.of("s0", "s1", "s2", "s3");

    /** Whether the thread has a consistency token (it wrote on every shard), which the choice must check. */
    @Param({"false", "true"})
    public boolean token;

    private final List<NodeMonitor> all = new ArrayList<>();
    private ReplicaChoice choice;
    private NodeMonitor closedPrimary;
    private NodeMonitor openPrimary;
    private volatile boolean sampling = true;
    private Thread sampler;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Map<String, List<NodeMonitor>> replicas = new LinkedHashMap<>();
        for (String shard : SHARDS) {
            List<NodeMonitor> list = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                NodeMonitor m = new NodeMonitor(shard, NodeRole.REPLICA, "jdbc:postgresql://r" + r + "/" + shard, 3, System::currentTimeMillis);
                list.add(m);
                all.add(m);
            }
            replicas.put(shard, list);
        }
        sample();
        choice = new ReplicaChoice(replicas, ReplicaSettings.DEFAULTS, TimeUnit.SECONDS.toNanos(3));
        closedPrimary = new NodeMonitor("s0", NodeRole.PRIMARY, "jdbc:postgresql://p/s0", 3, System::currentTimeMillis);
        openPrimary = new NodeMonitor("s1", NodeRole.PRIMARY, "jdbc:postgresql://p/s1", 3, System::currentTimeMillis);
        openPrimary.open(new SQLException("Connection refused", "08001"), "ConnectException: Connection refused [SQLState 08001]");
        sampler = new Thread(() -> {
            while (sampling) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        long now = System.nanoTime();
        for (NodeMonitor m : all) {
            m.sampledReplica(1_000_000L + now % 1_000, 0, now);
        }
    }

    /** Per benchmark thread: its consistency token. */
    @State(Scope.Thread)
    public static class ThreadToken {
        @Setup(Level.Trial)
        public void adopt(ReplicaRoutingBenchmark bench) {
            ReadContext.resetToken();
            if (bench.token) {
                Map<String, Long> positions = new LinkedHashMap<>();
                SHARDS.forEach(s -> positions.put(s, 999_000L));
                ReadContext.adopt(ConsistencyToken.of(positions));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        sampling = false;
        sampler.interrupt();
        sampler.join();
    }

    @Benchmark
    public int chooseReplica(ThreadToken t) {
        return choice.choose(SHARDS.get(next++ & 3));
    }

    @Benchmark
    public boolean breakerCheckClosed() {
        boolean open = closedPrimary.isOpen();
        closedPrimary.recordSuccess();
        return open;
    }

    @Benchmark
    public ShardUnavailableException refusedByOpenBreaker() {
        return ShardPools.refusal(openPrimary).toApi("", null);
    }
}
