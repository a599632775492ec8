package io.github.shardingorm.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one shard did since start-up and over the sliding window, and what it holds.
 *
 * @param shardId              the shard
 * @param operations           operations run on the shard since start-up (a keyed read or write, or one shard's part of a query or bulk statement)
 * @param errors               of those, how many failed
 * @param operationsByKind     operations by kind: {@code read}, {@code write}, {@code query}, {@code bulk}
 * @param errorsByReason       failures by reason: {@code unavailable}, {@code timeout}, {@code constraint}, {@code conflict}, {@code sql}, {@code other}
 * @param p50                  median operation latency (within 12.5%); zero when none ran
 * @param p95                  95th percentile
 * @param p99                  99th percentile
 * @param max                  the highest latency seen (bucket upper bound)
 * @param windowOperations     operations over the sliding window
 * @param windowOperationShare the shard's share (0..1) of all shards' operations over the window
 * @param windowTimeShare      the shard's share (0..1) of all shards' operation time over the window
 * @param hot                  whether either share is above twice the fair share (1 / shards) over the window
 * @param rowsByTable          rows per sharded table: the catalog estimate ({@code pg_class.reltuples}, -1 when
 *                             the table was never analyzed) or the exact count when asked for
 * @param rows                 the sum of the known counts in {@code rowsByTable}
 * @param hotBuckets           the shard's most used buckets, highest first (empty for strategies without buckets)
 */
public record ShardStatistics(String shardId, long operations, long errors, Map<String, Long> operationsByKind,
                              Map<String, Long> errorsByReason, Duration p50, Duration p95, Duration p99, Duration max,
                              long windowOperations, double windowOperationShare, double windowTimeShare, boolean hot,
                              Map<String, Long> rowsByTable, long rows, List<HotBucket> hotBuckets) {

    public ShardStatistics {
        operationsByKind = Map.copyOf(operationsByKind);
        errorsByReason = Map.copyOf(errorsByReason);
        rowsByTable = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsByTable));
        hotBuckets = List.copyOf(hotBuckets);
    }

    /** Operations of one kind ({@code read}, {@code write}, {@code query}, {@code bulk}); 0 when none. */
    public long operations(String kind) {
        return operationsByKind.getOrDefault(kind, 0L);
    }
}
