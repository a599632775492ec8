package io.github.shardingorm.routing;

import io.github.shardingorm.internal.routing.DirectoryShardingStrategy;
import io.github.shardingorm.internal.routing.NormalizedKeys;
import io.github.shardingorm.spi.ShardingStrategy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds a directory (list) strategy: explicit value &rarr; shard entries (a region, a category, a
 * tenant), an optional default shard, and an optional lookup, e.g. a query on a directory table,
 * cached with Caffeine.
 * <pre>{@code
 * ShardingStrategies.directory()
 *     .map("EU", "eu-1").map("US", "us-1")
 *     .defaultShard("us-1")
 *     .build();
 * }</pre>
 * A value resolves through the entries first, then the lookup, then the default; with none of
 * them it belongs to no shard. Each call is checked at once; unknown shard ids are reported when
 * the strategy is bound. Not thread-safe.
 */
public final class DirectoryStrategyBuilder {

    private final Map<Object, String> entries = new LinkedHashMap<>();
    private String defaultShard;
    private DirectoryShardingStrategy.Lookup lookup;

    DirectoryStrategyBuilder() {
    }

    /**
     * Maps {@code value} to {@code shard}.
     *
     * @param value an integral number (stored as {@code Long}), a String or a UUID; never null
     * @param shard the shard id; never null
     * @return this builder
     * @throws IllegalArgumentException when the value has another type or is already mapped
     */
    public DirectoryStrategyBuilder map(Object value, String shard) {
        ShardMap.checkShardId(shard);
        Object key = NormalizedKeys.normalize(value, "directory value");
        String previous = entries.putIfAbsent(key, shard);
        if (previous != null) {
            throw new IllegalArgumentException("Directory value " + value + " is already mapped to shard " + previous
                    + "; cannot map it to " + shard);
        }
        return this;
    }

    /**
     * The shard of values with no entry and no lookup result.
     *
     * @param shard the shard id; never null
     * @return this builder
     * @throws IllegalArgumentException when a default shard was already set
     */
    public DirectoryStrategyBuilder defaultShard(String shard) {
        ShardMap.checkShardId(shard);
        if (defaultShard != null) {
            throw new IllegalArgumentException("Default shard was already set to " + defaultShard);
        }
        defaultShard = shard;
        return this;
    }

    /**
     * Consults {@code lookup} for values with no entry, caching its answers. The function receives
     * the normalized value and returns a shard id, or null when it has none (null is not cached, so
     * a value added later is found at once). It must be thread-safe; its exceptions reach the
     * caller of {@code shardOf}. A returned id that is not configured makes {@code shardOf} throw
     * an {@link IllegalStateException} naming the value and the id.
     *
     * @param lookup           the lookup; never null
     * @param maximumSize      the most cached answers, {@code >= 0}
     * @param expireAfterWrite how long an answer is trusted; positive
     * @return this builder
     * @throws IllegalArgumentException when a lookup was already set or a limit is out of range
     */
    public DirectoryStrategyBuilder lookup(Function<Object, String> lookup, long maximumSize, Duration expireAfterWrite) {
        Objects.requireNonNull(lookup, "lookup");
        Objects.requireNonNull(expireAfterWrite, "expireAfterWrite");
        if (this.lookup != null) {
            throw new IllegalArgumentException("A directory lookup was already set: " + this.lookup.function());
        }
        if (maximumSize < 0) {
            throw new IllegalArgumentException("Lookup cache maximumSize must be >= 0 but was " + maximumSize);
        }
        if (expireAfterWrite.isNegative() || expireAfterWrite.isZero()) {
            throw new IllegalArgumentException("Lookup cache expireAfterWrite must be positive but was " + expireAfterWrite);
        }
        this.lookup = new DirectoryShardingStrategy.Lookup(lookup, maximumSize, expireAfterWrite);
        return this;
    }

    /** The strategy; binding checks the shard ids. The builder may be reused. */
    public ShardingStrategy build() {
        return new DirectoryShardingStrategy(entries, defaultShard, lookup);
    }
}
