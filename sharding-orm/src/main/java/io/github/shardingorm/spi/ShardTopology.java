package io.github.shardingorm.spi;

import java.util.List;
import java.util.Objects;

/**
 * The cluster a {@link ShardingStrategy} is bound to.
 *
 * @param shardIds    the configured shard ids, in declaration order; never empty
 * @param bucketCount the fixed number of logical buckets of the cluster (see
 *                    {@code ShardingSettings.BUCKET_COUNT}); bucketed strategies map keys to
 *                    {@code [0, bucketCount)}
 */
public record ShardTopology(List<String> shardIds, int bucketCount) {
    public ShardTopology {
        shardIds = List.copyOf(Objects.requireNonNull(shardIds, "shardIds"));
        if (bucketCount < 1) {
            throw new IllegalArgumentException("bucketCount must be >= 1 but was " + bucketCount);
        }
    }
}
