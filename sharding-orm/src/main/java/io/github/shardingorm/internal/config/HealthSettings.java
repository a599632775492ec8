package io.github.shardingorm.internal.config;

import java.util.Map;

/**
 * Deadlines and the circuit breaker of every shard (issue 14). The pgjdbc connect and login
 * timeouts follow {@link PoolSettings#connectionTimeoutMillis()} (rounded up to whole seconds, as
 * pgjdbc counts them); per-shard overrides are checked against the shards by {@link ConfigurationValidator}.
 *
 * @param socketTimeoutMillis    pgjdbc {@code socketTimeout}: the longest wait for any answer from the server (a hung
 *                               server fails the call after this); 0 disables it
 * @param statementTimeoutMillis PostgreSQL {@code statement_timeout} of the pools' connections; 0 disables it
 * @param socketTimeouts         per-shard socket timeouts
 * @param statementTimeouts      per-shard statement timeouts
 * @param failureThreshold       consecutive failures (of calls or probes) that open a shard's breaker
 * @param probeIntervalMillis    the period of the health probe (and of replica lag samples)
 * @param probeTimeoutMillis     the deadline of one probe (connect and query)
 */
public record HealthSettings(
        long socketTimeoutMillis,
        long statementTimeoutMillis,
        Map<String, Long> socketTimeouts,
        Map<String, Long> statementTimeouts,
        int failureThreshold,
        long probeIntervalMillis,
        long probeTimeoutMillis) {

    /** Every value its default. */
    public static final HealthSettings DEFAULTS = new HealthConfigurationBuilder().healthSettings();

    public HealthSettings {
        socketTimeouts = Map.copyOf(socketTimeouts);
        statementTimeouts = Map.copyOf(statementTimeouts);
    }

    /** The socket timeout of one shard, in ms; 0: none. */
    public long socketTimeoutMillis(String shardId) {
        return socketTimeouts.getOrDefault(shardId, socketTimeoutMillis);
    }

    /** The statement timeout of one shard, in ms; 0: none. */
    public long statementTimeoutMillis(String shardId) {
        return statementTimeouts.getOrDefault(shardId, statementTimeoutMillis);
    }

    /** Whole seconds, rounded up, for pgjdbc's second-granular timeouts; 0 stays 0 (none). */
    public static int seconds(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
    }
}
