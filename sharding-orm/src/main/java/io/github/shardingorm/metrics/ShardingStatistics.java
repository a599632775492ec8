package io.github.shardingorm.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A snapshot of every shard's statistics, from {@link io.github.shardingorm.ShardedPersistence#statistics()}.
 * Needs no metrics library.
 *
 * @param takenAt          when the snapshot was taken
 * @param window           the length of the sliding window used for hot-shard detection
 * @param shards           one entry per shard, in shard order
 * @param rowSkew          the fullest shard's rows divided by the mean rows per shard (1.0 = even; 0 when there are no rows)
 * @param rowsExact        whether rows were counted exactly ({@code statistics(true)}) or estimated from the catalog
 * @param sagaTransitions  saga state transitions since start-up, by state entered (RUNNING counts started sagas)
 */
public record ShardingStatistics(Instant takenAt, Duration window, List<ShardStatistics> shards, double rowSkew, boolean rowsExact,
                                 Map<String, Long> sagaTransitions) {

    public ShardingStatistics {
        shards = List.copyOf(shards);
        sagaTransitions = Map.copyOf(sagaTransitions);
    }

    /**
     * The statistics of one shard.
     *
     * @throws IllegalArgumentException when there is no such shard
     */
    public ShardStatistics shard(String shardId) {
        for (ShardStatistics s : shards) {
            if (s.shardId().equals(shardId)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no shard '" + shardId + "' (shards: " + shards.stream().map(ShardStatistics::shardId).toList() + ")");
    }

    /** The shards flagged hot over the window. */
    public List<String> hotShards() {
        return shards.stream().filter(ShardStatistics::hot).map(ShardStatistics::shardId).toList();
    }

    /** Operations on every shard since start-up. */
    public long operations() {
        return shards.stream().mapToLong(ShardStatistics::operations).sum();
    }

    /** A printable table: one line per shard, then the hot buckets. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-12s %10s %8s %9s %9s %9s %8s %7s %12s %4s%n",
                "shard", "ops", "errors", "p50 ms", "p95 ms", "p99 ms", "win ops", "share", "rows", "hot"));
        for (ShardStatistics s : shards) {
            out.append(String.format(Locale.ROOT, "%-12s %10d %8d %9.3f %9.3f %9.3f %8d %6.1f%% %12d %4s%n",
                    s.shardId(), s.operations(), s.errors(), millis(s.p50()), millis(s.p95()), millis(s.p99()),
                    s.windowOperations(), 100 * s.windowOperationShare(), s.rows(), s.hot() ? "HOT" : ""));
        }
        out.append(String.format(Locale.ROOT, "row skew (fullest / mean): %.2f (%s)%n", rowSkew, rowsExact ? "exact" : "estimated"));
        for (ShardStatistics s : shards) {
            if (!s.hotBuckets().isEmpty()) {
                out.append(s.shardId()).append(" hot buckets:");
                s.hotBuckets().stream().limit(5).forEach(b -> out.append(String.format(Locale.ROOT, " %d (%.1f%%)", b.bucket(), 100 * b.share())));
                out.append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }
}
