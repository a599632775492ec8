package io.github.shardingorm.cache;

import java.util.List;

/**
 * Hits, misses, puts and evictions of the caches of one sharded persistence unit, per region and per
 * shard. Counting is always on when a cache is (a few uncontended adds per operation); read it at any
 * time. Empty when no cache is configured.
 */
public interface CacheStatistics {

    /** Every region and shard that saw an operation, ordered by region then shard; never null. */
    List<RegionStatistics> regions();

    /**
     * The counters of one region summed over the shards.
     *
     * @param region a region name, see {@link RegionStatistics#region()}
     * @return the sums, all 0 for an unknown region; the shard is {@code "*"}
     */
    default RegionStatistics region(String region) {
        long h = 0, m = 0, p = 0, e = 0;
        for (RegionStatistics r : regions()) {
            if (r.region().equals(region)) {
                h += r.hits();
                m += r.misses();
                p += r.puts();
                e += r.evictions();
            }
        }
        return new RegionStatistics(region, "*", h, m, p, e);
    }

    /**
     * The counters of one region on one shard.
     *
     * @return the counters, all 0 when that region saw nothing on that shard
     */
    default RegionStatistics region(String region, String shard) {
        for (RegionStatistics r : regions()) {
            if (r.region().equals(region) && r.shard().equals(shard)) {
                return r;
            }
        }
        return new RegionStatistics(region, shard, 0, 0, 0, 0);
    }
}
