package io.github.shardingorm.cache;

/**
 * The counters of one cache region on one shard, since start-up.
 *
 * @param region    the region name (for an entity, its class name; for the cache-aside of
 *                  {@code findById}, the class name followed by {@code #aside}; the query results region
 *                  {@code default-query-results-region})
 * @param shard     the shard id
 * @param hits      reads answered by the cache
 * @param misses    reads the cache could not answer
 * @param puts      entries stored
 * @param evictions entries invalidated (a write here or in another instance, a flush after a listener
 *                  reconnected, a bucket moved); not the entries a full region drops by its size limit
 */
public record RegionStatistics(String region, String shard, long hits, long misses, long puts, long evictions) {

    /** The share of reads that hit, 0 when there were none. */
    public double hitRatio() {
        long reads = hits + misses;
        return reads == 0 ? 0 : (double) hits / reads;
    }
}
