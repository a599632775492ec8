package io.github.shardingorm.spi;

import java.util.Set;

/**
 * A bound {@link ShardingStrategy}: resolves normalized shard-key values to shard ids.
 *
 * <p>Keys reach a resolver normalized: integral keys ({@code byte}, {@code short}, {@code int},
 * {@code long} and their wrappers) as {@link Long}, text as {@link String}, and
 * {@link java.util.UUID}. A resolver never sees {@code null}.
 *
 * <p>Resolvers are called concurrently on the hot path of every operation; they must be
 * thread-safe and cheap.
 */
public interface ShardResolver {

    /** A short name for messages, e.g. {@code "hash"} or {@code "range"}. */
    String name();

    /**
     * @param key a normalized key, never null
     * @return the id of the shard that owns {@code key}, or {@code null} when no shard owns it
     *         (a key outside every range, a directory value with no entry and no default); the
     *         caller turns {@code null} into an exception that names the entity and the key
     * @throws IllegalArgumentException when the key is not of a type this strategy routes (e.g. a
     *         String key for numeric ranges)
     * @throws IllegalStateException when a directory lookup answers with a shard id that is not
     *         configured
     */
    String shardOf(Object key);

    /** The shards this resolver can route to; never empty. */
    Set<String> shards();

    /**
     * The shards that may hold keys between {@code lower} and {@code upper}. Strategies that
     * cannot prune (hashing) return {@link #shards()}.
     *
     * @param lower          lower bound (normalized), or null for unbounded
     * @param lowerInclusive whether {@code lower} itself is included
     * @param upper          upper bound (normalized), or null for unbounded
     * @param upperInclusive whether {@code upper} itself is included
     * @return the shards whose key ranges overlap the given range; may be empty when the range
     *         is empty or owned by no shard
     * @throws IllegalArgumentException when a bound is not of a type this strategy routes
     */
    default Set<String> shardsForRange(Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {
        return shards();
    }
}
