package io.github.shardingorm.internal.stats;

import com.zaxxer.hikari.HikariDataSource;
import io.github.shardingorm.saga.SagaState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine calls to report (see {@link ShardingEvents}): the statistics (when on) and every
 * listener added later (Micrometer). When neither is there, {@link #start()} returns 0 without
 * reading the clock and every other method returns at its first test: the keyed path pays one
 * volatile read.
 */
public final class Instrumentation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Instrumentation.class);

    public static final String PRIMARY = "primary";
    public static final String REPLICA = "replica";

    private final StatisticsRecorder statistics;
    private volatile ShardingEvents[] listeners = new ShardingEvents[0];
    private volatile boolean active;
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();

    public Instrumentation(StatisticsRecorder statistics) {
        this.statistics = statistics;
        this.active = statistics != null;
        if (statistics != null) {
            statistics.onHotShard(this::hotShard);
        }
    }

    /** Reports nothing (until a listener is added). */
    public static Instrumentation off() {
        return new Instrumentation(null);
    }

    /** The statistics, or null when they are off. */
    public StatisticsRecorder statistics() {
        return statistics;
    }

    public boolean isActive() {
        return active;
    }

    /** Adds a listener; it is told at once of every pool already started. */
    public synchronized void addListener(ShardingEvents listener) {
        ShardingEvents[] next = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        next[next.length - 1] = listener;
        listeners = next;
        active = true;
        pools.forEach((key, pool) -> {
            String[] shardRole = key.split("\u0000", 3);
            safely(() -> listener.poolStarted(shardRole[0], shardRole[1], pool));
        });
    }

    /** The start time of an operation for {@link #finished}; 0 (no clock read) when nothing listens. */
    public long start() {
        return active ? System.nanoTime() : 0L;
    }

    public void finished(String shard, String role, OperationKind kind, long started, Throwable failure) {
        if (!active || started == 0L) {
            return;
        }
        long nanos = System.nanoTime() - started;
        String reason = failure == null ? null : ErrorReasons.of(failure);
        if (statistics != null) {
            statistics.operation(shard, kind, nanos, reason, started + nanos);
        }
        for (ShardingEvents l : listeners) {
            try {
                l.operation(shard, role, kind, nanos, reason);
            } catch (RuntimeException e) {
                LOG.warn("a metrics listener failed: {}", e.toString());
            }
        }
    }

    public void keyRouted(String shard, int bucket) {
        if (!active) {
            return;
        }
        if (statistics != null) {
            statistics.keyRouted(shard, bucket);
        }
        for (ShardingEvents l : listeners) {
            try { // not safely(..): no capturing lambda on the keyed path
                l.keyRouted(shard, bucket);
            } catch (RuntimeException e) {
                LOG.warn("a metrics listener failed: {}", e.toString());
            }
        }
    }

    public void fanOut(int width, int failedShards, long mergeNanos, long rows) {
        for (ShardingEvents l : listeners) {
            safely(() -> l.fanOut(width, failedShards, mergeNanos, rows));
        }
    }

    public void sagaTransition(String type, SagaState state) {
        if (statistics != null) {
            statistics.sagaTransition(state);
        }
        for (ShardingEvents l : listeners) {
            safely(() -> l.sagaTransition(type, state));
        }
    }

    public void twoPhase(String phase) {
        for (ShardingEvents l : listeners) {
            safely(() -> l.twoPhase(phase));
        }
    }

    public synchronized void poolStarted(String shard, String role, HikariDataSource pool) {
        pools.put(shard + '\u0000' + role + '\u0000' + pool.getPoolName(), pool); // a shard has several replica pools
        for (ShardingEvents l : listeners) {
            safely(() -> l.poolStarted(shard, role, pool));
        }
    }

    private void hotShard(String shard, boolean hot) {
        for (ShardingEvents l : listeners) {
            safely(() -> l.hotShard(shard, hot));
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("a metrics listener failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (statistics != null) {
            statistics.close();
        }
    }
}
