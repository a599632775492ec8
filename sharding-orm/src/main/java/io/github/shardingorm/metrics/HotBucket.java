package io.github.shardingorm.metrics;

/**
 * One of a shard's most used buckets, from a bounded heavy-hitters sketch (Space-Saving): the
 * candidates to move to another shard when the shard is hot.
 *
 * @param bucket the bucket number
 * @param count  keyed operations routed to it in the sketch's period (the current and the previous
 *               window); an over-estimate by at most {@code error}
 * @param error  the most by which {@code count} may exceed the true count
 * @param share  {@code count} as a share (0..1) of the shard's keyed operations in that period
 */
public record HotBucket(int bucket, long count, long error, double share) {
}
