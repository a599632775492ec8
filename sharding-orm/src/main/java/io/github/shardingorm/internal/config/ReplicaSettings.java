package io.github.shardingorm.internal.config;

import io.github.shardingorm.health.ReadFallback;
import io.github.shardingorm.health.ReadFrom;
import java.util.List;

/**
 * Read replicas of the shards and how read-only work uses them (issue 14). Replicas of unknown
 * shards, or twice the same URL, are the validator's to report.
 *
 * @param replicas                 every replica, in configuration order
 * @param readFrom                 the default of read-only work
 * @param maxLagMillis             a replica lagging more gets no reads until it catches up
 * @param readYourWritesWaitMillis how long a read waits for a replica to replay the caller's writes before it reads the primary
 * @param primaryFallbackPermits   at most this many reads of one shard at a time fall back to its primary because no replica qualifies
 * @param fallback                 what a read does beyond that cap
 * @param maxStalenessMillis       the lag bound of {@link ReadFallback#STALE} reads and of reads while the primary is down
 */
public record ReplicaSettings(
        List<ReplicaDefinition> replicas,
        ReadFrom readFrom,
        long maxLagMillis,
        long readYourWritesWaitMillis,
        int primaryFallbackPermits,
        ReadFallback fallback,
        long maxStalenessMillis) {

    /** No replicas, every value its default. */
    public static final ReplicaSettings DEFAULTS = new HealthConfigurationBuilder().replicaSettings();

    public ReplicaSettings {
        replicas = List.copyOf(replicas);
    }

    /** The replicas of one shard, in configuration order. */
    public List<ReplicaDefinition> of(String shardId) {
        return replicas.stream().filter(r -> r.shardId().equals(shardId)).toList();
    }
}
