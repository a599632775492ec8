package io.github.shardingorm.internal.stats;

import io.github.shardingorm.metrics.HotBucket;
import io.github.shardingorm.metrics.ShardStatistics;
import io.github.shardingorm.metrics.ShardingStatistics;
import io.github.shardingorm.saga.SagaState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statistics of every shard, kept without any metrics library.
 *
 * <h2>What is kept per shard</h2>
 * Since start-up: operations and errors (by kind and by reason, striped counters) and a latency
 * histogram ({@link LatencyHistogram}, fixed log-linear buckets). Over the sliding window
 * (default 60 s, {@link SlidingWindow}): operations and busy time. For bucketed strategies, a
 * Space-Saving sketch of the buckets keyed operations were routed to ({@link StripedSpaceSaving}:
 * {@value Stripes#COUNT} stripes picked by thread, {@value #SKETCH_CAPACITY} counters each, 5 KiB
 * a stripe), kept for two periods (current and previous window) so that it follows the load: about
 * 43 KiB per shard, under 64 KiB. The top buckets merge the eight stripes
 * ({@link StripedSpaceSaving#merge}): each count is at least the true count, over-counts by at most
 * its error, and the error is at most N / {@value #SKETCH_CAPACITY} (N: the shard's keyed
 * operations over both periods), as with one sketch of {@value #SKETCH_CAPACITY} counters.
 * The counters the keyed path writes (histogram, window, sketch) are striped the same way, so that
 * threads do not write the same cache lines.
 *
 * <h2>Hot shards</h2>
 * {@link #evaluate()} (every slot of the window, from one daemon thread, and at each snapshot)
 * computes each shard's share of the window's operations and of its busy time; a shard whose
 * share of either is above {@value #HOT_FACTOR}&times; the fair share (1 / shards) is hot. With
 * two shards that is impossible (a share is at most 1), so hot shards need three or more. Fewer
 * than {@value #MIN_WINDOW_OPERATIONS} operations in the window never flag a shard (noise). The
 * start and the end of an episode are logged once each and told to the listeners.
 */
public final class StatisticsRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatisticsRecorder.class);

    static final int SKETCH_CAPACITY = 128;
    static final double HOT_FACTOR = 2.0;
    static final long MIN_WINDOW_OPERATIONS = 100;
    static final int TOP_BUCKETS = 10;

    private final List<String> shardIds;
    private final long windowNanos;
    private final LongSupplier clock;
    private final boolean buckets;
    private final Map<String, ShardCounters> shards = new ConcurrentHashMap<>();
    /** The configured shards' ids and counters side by side: the keyed path finds its shard by identity, not by hashing. */
    private final String[] ids;
    private final ShardCounters[] byId;
    private final Map<SagaState, LongAdder> sagaTransitions = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, Boolean> hotListener = (s, h) -> { };
    private volatile long sketchPeriodStart;
    private ScheduledExecutorService ticker;

    /**
     * @param shardIds the configured shards (the fair share is 1 / their number)
     * @param window   the sliding window
     * @param buckets  whether the strategy is bucketed (hot buckets are tracked)
     * @param clock    nanosecond clock ({@code System::nanoTime}; tests pass their own)
     */
    public StatisticsRecorder(List<String> shardIds, Duration window, boolean buckets, LongSupplier clock) {
        this.shardIds = List.copyOf(shardIds);
        this.windowNanos = window.toNanos();
        this.clock = clock;
        this.buckets = buckets;
        this.sketchPeriodStart = clock.getAsLong();
        for (String s : shardIds) {
            shards.put(s, new ShardCounters(windowNanos));
        }
        this.ids = this.shardIds.toArray(new String[0]);
        this.byId = new ShardCounters[ids.length];
        for (int i = 0; i < ids.length; i++) {
            byId[i] = shards.get(ids[i]);
        }
    }

    /** Starts the daemon thread that evaluates hot shards once per slot of the window. */
    public synchronized StatisticsRecorder startTicking() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sharding-orm-statistics");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, windowNanos / SlidingWindow.SLOTS);
            ticker.scheduleAtFixedRate(() -> {
                try {
                    evaluate();
                } catch (RuntimeException e) {
                    LOG.warn("hot-shard evaluation failed: {}", e.toString());
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    void onHotShard(BiConsumer<String, Boolean> listener) {
        this.hotListener = listener;
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    private ShardCounters counters(String shard) {
        int i = ShardIdInstances.indexOf(ids, shard);
        if (i >= 0) {
            return byId[i];
        }
        ShardCounters c = shards.get(shard);
        return c != null ? c : shards.computeIfAbsent(shard, s -> new ShardCounters(windowNanos));
    }

    void operation(String shard, OperationKind kind, long nanos, String errorReason, long now) {
        ShardCounters c = counters(shard);
        int stripe = Stripes.ofCurrentThread();
        c.count(stripe, kind.ordinal());
        if (errorReason != null) {
            c.count(stripe, ShardCounters.KINDS + ErrorReasons.ALL.indexOf(errorReason));
        }
        c.latency.record(nanos, stripe);
        c.window.record(now, nanos, stripe);
    }

    void keyRouted(String shard, int bucket) {
        counters(shard).current.offer(bucket);
    }

    void sagaTransition(SagaState state) {
        sagaTransitions.computeIfAbsent(state, s -> new LongAdder()).increment();
    }

    /** Re-evaluates hot shards and rotates the bucket sketches; returns the hot shards. */
    public synchronized List<String> evaluate() {
        long now = clock.getAsLong();
        if (now - sketchPeriodStart >= windowNanos) {
            for (ShardCounters c : shards.values()) {
                c.rotate();
            }
            sketchPeriodStart = now;
        }
        Map<String, long[]> sums = new LinkedHashMap<>();
        long ops = 0;
        long busy = 0;
        for (String shard : orderedShards()) {
            long[] s = shards.get(shard).window.sum(now);
            sums.put(shard, s);
            ops += s[0];
            busy += s[1];
        }
        int n = Math.max(shardIds.size(), 1);
        double limit = HOT_FACTOR / n;
        List<String> hot = new ArrayList<>();
        for (Map.Entry<String, long[]> e : sums.entrySet()) {
            ShardCounters c = shards.get(e.getKey());
            double opShare = ops == 0 ? 0 : (double) e.getValue()[0] / ops;
            double timeShare = busy == 0 ? 0 : (double) e.getValue()[1] / busy;
            boolean isHot = ops >= MIN_WINDOW_OPERATIONS && (opShare > limit || timeShare > limit);
            c.windowOps = e.getValue()[0];
            c.opShare = opShare;
            c.timeShare = timeShare;
            if (isHot != c.hot) {
                c.hot = isHot;
                if (isHot) {
                    c.hotSince = now;
                    LOG.warn(String.format(Locale.ROOT, "shard '%s' is hot: %.1f%% of operations and %.1f%% of operation time over the last %d s"
                                    + " (fair share %.1f%%, flagged above %.1f%%); hottest buckets: %s", e.getKey(), 100 * opShare, 100 * timeShare,
                            windowNanos / 1_000_000_000L, 100.0 / n, 100 * limit, describe(topBuckets(c, 3))));
                } else {
                    LOG.info("shard '{}' is no longer hot (the episode lasted {} s)", e.getKey(), (now - c.hotSince) / 1_000_000_000L);
                }
                hotListener.accept(e.getKey(), isHot);
            }
            if (isHot) {
                hot.add(e.getKey());
            }
        }
        return hot;
    }

    private List<String> orderedShards() {
        List<String> ordered = new ArrayList<>(shardIds);
        for (String s : shards.keySet()) {
            if (!ordered.contains(s)) {
                ordered.add(s);
            }
        }
        return ordered;
    }

    /** Whether {@code shard} is hot as of the last evaluation. */
    public boolean isHot(String shard) {
        ShardCounters c = shards.get(shard);
        return c != null && c.hot;
    }

    /** The shard's share of the window's operations as of the last evaluation. */
    public double operationShare(String shard) {
        ShardCounters c = shards.get(shard);
        return c == null ? 0 : c.opShare;
    }

    private static String describe(List<HotBucket> top) {
        if (top.isEmpty()) {
            return "none tracked";
        }
        StringBuilder out = new StringBuilder();
        for (HotBucket b : top) {
            out.append(out.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d (%.1f%%)", b.bucket(), 100 * b.share()));
        }
        return out.toString();
    }

    private List<HotBucket> topBuckets(ShardCounters c, int k) {
        if (!buckets) {
            return List.of();
        }
        StripedSpaceSaving current = c.current;
        StripedSpaceSaving previous = c.previous;
        long total = current.offered() + previous.offered();
        return StripedSpaceSaving.merge(List.of(current, previous)).stream()
                .limit(k)
                .map(e -> new HotBucket(e.item(), e.count(), e.error(), total == 0 ? 0 : (double) e.count() / total))
                .toList();
    }

    /**
     * A snapshot; {@code rows} gives each shard's rows per table (empty when unknown).
     */
    public ShardingStatistics snapshot(Map<String, Map<String, Long>> rows, boolean rowsExact) {
        evaluate();
        List<ShardStatistics> out = new ArrayList<>();
        long maxRows = 0;
        long sumRows = 0;
        List<String> ordered = orderedShards();
        for (String shard : ordered) {
            ShardCounters c = shards.get(shard);
            Map<String, Long> byKind = new LinkedHashMap<>();
            long ops = 0;
            for (OperationKind k : OperationKind.values()) {
                long n = c.sum(k.ordinal());
                byKind.put(k.tag(), n);
                ops += n;
            }
            Map<String, Long> byReason = new LinkedHashMap<>();
            long errors = 0;
            for (int i = 0; i < ErrorReasons.ALL.size(); i++) {
                long n = c.sum(ShardCounters.KINDS + i);
                if (n > 0) {
                    byReason.put(ErrorReasons.ALL.get(i), n);
                    errors += n;
                }
            }
            LatencyHistogram.Snapshot h = c.latency.snapshot();
            Map<String, Long> tables = rows.getOrDefault(shard, Map.of());
            long shardRows = tables.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
            maxRows = Math.max(maxRows, shardRows);
            sumRows += shardRows;
            out.add(new ShardStatistics(shard, ops, errors, byKind, byReason, Duration.ofNanos(h.percentile(0.5)),
                    Duration.ofNanos(h.percentile(0.95)), Duration.ofNanos(h.percentile(0.99)), Duration.ofNanos(h.max()),
                    c.windowOps, c.opShare, c.timeShare, c.hot, tables, shardRows, topBuckets(c, TOP_BUCKETS)));
        }
        double mean = ordered.isEmpty() ? 0 : (double) sumRows / ordered.size();
        Map<String, Long> sagas = new LinkedHashMap<>();
        sagaTransitions.forEach((state, n) -> sagas.put(state.name(), n.sum()));
        return new ShardingStatistics(Instant.now(), window(), out, mean == 0 ? 0 : maxRows / mean, rowsExact, sagas);
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** One shard's counters. */
    private static final class ShardCounters {
        static final int KINDS = OperationKind.values().length;
        private static final int STRIDE = 16; // longs per stripe: the kinds, then the error reasons (10 used), 128 bytes
        private static final int FIRST = STRIDE; // stripe 0 starts 128 bytes in, away from the array's header

        static {
            if (KINDS + ErrorReasons.ALL.size() > STRIDE) {
                throw new AssertionError("more kinds and error reasons than a stripe holds");
            }
        }

        /** Operations by kind and errors by reason, one block of {@value #STRIDE} per stripe (not LongAdders: one load less per count). */
        private final AtomicLongArray counts = new AtomicLongArray(FIRST + STRIDE * Stripes.COUNT + STRIDE);
        final LatencyHistogram latency = new LatencyHistogram();
        final SlidingWindow window;
        volatile StripedSpaceSaving current = new StripedSpaceSaving(Stripes.COUNT, SKETCH_CAPACITY);
        volatile StripedSpaceSaving previous = new StripedSpaceSaving(Stripes.COUNT, SKETCH_CAPACITY);
        volatile boolean hot;
        volatile long windowOps;
        volatile double opShare;
        volatile double timeShare;
        long hotSince;

        ShardCounters(long windowNanos) {
            this.window = new SlidingWindow(windowNanos);
        }

        void rotate() {
            StripedSpaceSaving old = previous;
            old.clear();
            previous = current;
            current = old;
        }

        void count(int stripe, int index) {
            counts.incrementAndGet(FIRST + stripe * STRIDE + index);
        }

        long sum(int index) {
            long n = 0;
            for (int stripe = 0; stripe < Stripes.COUNT; stripe++) {
                n += counts.get(FIRST + stripe * STRIDE + index);
            }
            return n;
        }
    }
}
