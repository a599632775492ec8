package io.github.shardingorm.internal.cache;

import io.github.shardingorm.cache.CacheStatistics;
import io.github.shardingorm.cache.RegionStatistics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link CacheStatistics}: four {@link LongAdder}s per region and shard, found
 * through a two-level map (region, then shard) so that the hot path allocates nothing.
 */
final class CacheCounters implements CacheStatistics {

    /** The shard of entries that belong to no one shard (the query timestamps: per table). */
    static final String ALL_SHARDS = "*";

    static final class Counts {
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder puts = new LongAdder();
        final LongAdder evictions = new LongAdder();
    }

    private final Map<String, Map<String, Counts>> regions = new ConcurrentHashMap<>();
    private final List<CacheRuntime.CountersListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    Counts of(String region, String shard) {
        Map<String, Counts> byShard = regions.get(region);
        if (byShard == null) {
            byShard = regions.computeIfAbsent(region, r -> new ConcurrentHashMap<>());
        }
        String s = shard == null ? ALL_SHARDS : shard;
        Counts counts = byShard.get(s);
        return counts != null ? counts : created(region, s, byShard);
    }

    private Counts created(String region, String shard, Map<String, Counts> byShard) {
        Counts fresh = new Counts();
        Counts raced = byShard.putIfAbsent(shard, fresh);
        if (raced != null) {
            return raced;
        }
        synchronized (listeners) {
            listeners.forEach(l -> tell(l, region, shard, fresh));
        }
        return fresh;
    }

    /** Adds a listener and tells it of every counter that exists already. */
    void addListener(CacheRuntime.CountersListener listener) {
        synchronized (listeners) {
            listeners.add(listener);
            regions.forEach((region, byShard) -> byShard.forEach((shard, c) -> tell(listener, region, shard, c)));
        }
    }

    private static void tell(CacheRuntime.CountersListener l, String region, String shard, Counts c) {
        try { // a listener (a meter registry) must not fail the cache read that created the counters
            l.counters(region, shard, c.hits, c.misses, c.puts, c.evictions);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(CacheCounters.class).warn("cache counters of region {} on shard {} not published: {}",
                    region, shard, e.toString());
        }
    }

    @Override
    public List<RegionStatistics> regions() {
        List<RegionStatistics> result = new ArrayList<>();
        regions.forEach((region, byShard) -> byShard.forEach((shard, c) -> result.add(new RegionStatistics(region, shard,
                c.hits.sum(), c.misses.sum(), c.puts.sum(), c.evictions.sum()))));
        result.sort(Comparator.comparing(RegionStatistics::region).thenComparing(RegionStatistics::shard));
        return result;
    }
}
