package io.github.shardingorm.internal.jdbc;

import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.internal.config.ReplicaSettings;
import io.github.shardingorm.internal.health.NodeMonitor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hot path of {@link ReadRouter}: which replica of a shard serves a read, from the probes'
 * samples alone (volatile reads, no I/O, no allocation). Public for the routing benchmark.
 */
public final class ReplicaChoice {

    /** {@link #choose} found no replica that qualifies on its samples. */
    public static final int NONE = -1;
    /** {@link #choose}: the read goes to the primary (read-from {@code PRIMARY}, or no replicas). */
    public static final int PRIMARY = -2;

    private final Map<String, NodeMonitor[]> replicas = new HashMap<>();
    private final Map<String, AtomicInteger> cursors = new HashMap<>();
    private final ReplicaSettings settings;
    private final long maxSampleAgeNanos;

    public ReplicaChoice(Map<String, List<NodeMonitor>> replicas, ReplicaSettings settings, long maxSampleAgeNanos) {
        replicas.forEach((shard, list) -> {
            this.replicas.put(shard, list.toArray(new NodeMonitor[0]));
            cursors.put(shard, new AtomicInteger());
        });
        this.settings = settings;
        this.maxSampleAgeNanos = maxSampleAgeNanos;
    }

    /** The index of the replica to read from (round robin over those that qualify), {@link #NONE} or {@link #PRIMARY}. */
    public int choose(String shard) {
        NodeMonitor[] list = replicas.get(shard);
        ReadContext context = ReadContext.current();
        ReadFrom from = context.readFrom() != null ? context.readFrom() : settings.readFrom();
        if (from == ReadFrom.PRIMARY || list == null || list.length == 0) {
            return PRIMARY;
        }
        long needed = context.tokenPosition(shard);
        long maxLag = context.maxLagMillis() >= 0 ? context.maxLagMillis() : settings.maxLagMillis();
        long now = System.nanoTime();
        int n = list.length;
        int start = Math.floorMod(cursors.get(shard).getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            int index = start + i < n ? start + i : start + i - n;
            NodeMonitor m = list[index];
            if (!m.isOpen() && m.walLsn() >= needed && m.lagMillis(now, maxSampleAgeNanos) <= maxLag) {
                return index;
            }
        }
        return NONE;
    }
}
