package io.github.shardingorm.internal.config;

/**
 * Statistics, hot-shard detection, the routing log and saga-log retention (see {@code ShardingSettings}).
 *
 * @param statistics           whether per-shard statistics are kept (off: nothing is recorded unless a
 *                             Micrometer registry is bound)
 * @param hotWindowMillis      the sliding window of hot-shard detection
 * @param routingLog           whether the routing log is written (logger {@code io.github.shardingorm.routing-log}, INFO)
 * @param routingLogParameters whether the routing log shows bind values (masked as {@code ?} otherwise)
 * @param sagaRetentionMillis  age after which finished (completed or compensated) sagas are deleted by the
 *                             recovery loop; 0 keeps them for ever
 * @param writeListeners       the public hooks at every saga and two-phase-commit boundary
 */
public record ObservabilitySettings(boolean statistics, long hotWindowMillis, boolean routingLog, boolean routingLogParameters,
                                    long sagaRetentionMillis, java.util.List<io.github.shardingorm.spi.CrossShardWriteListener> writeListeners) {

    public static final ObservabilitySettings DEFAULTS = new ObservabilitySettings(Defaults.STATISTICS, Defaults.HOT_WINDOW_MILLIS,
            Defaults.ROUTING_LOG, Defaults.ROUTING_LOG_PARAMETERS, Defaults.SAGA_RETENTION_MILLIS, java.util.List.of());

    public ObservabilitySettings {
        writeListeners = java.util.List.copyOf(writeListeners);
    }
}
