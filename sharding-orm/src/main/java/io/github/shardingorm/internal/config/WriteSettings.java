package io.github.shardingorm.internal.config;

/**
 * Settings of sagas, recovery and two-phase commit (see {@code ShardingSettings}).
 *
 * @param maxAttempts            attempts of a step (when retried) or a compensation before giving up
 * @param backoffMillis          wait before the first retry; doubles per attempt
 * @param maxBackoffMillis       cap of the wait between retries
 * @param leaseMillis            how long a saga stays claimed by the instance driving it without progress
 * @param recoveryIntervalMillis period of background recovery; 0 disables it (start-up recovery still runs)
 * @param twoPhaseGraceMillis    age after which a prepared transaction without a decision is rolled back
 */
public record WriteSettings(int maxAttempts, long backoffMillis, long maxBackoffMillis, long leaseMillis,
                            long recoveryIntervalMillis, long twoPhaseGraceMillis) {

    public static final WriteSettings DEFAULTS = new WriteSettings(Defaults.SAGA_MAX_ATTEMPTS, Defaults.SAGA_RETRY_BACKOFF_MILLIS,
            Defaults.SAGA_MAX_BACKOFF_MILLIS, Defaults.SAGA_LEASE_MILLIS, Defaults.RECOVERY_INTERVAL_MILLIS,
            Defaults.TWO_PHASE_GRACE_MILLIS);

    /** Wait before retry number {@code attempt} (1-based). */
    public long backoff(int attempt) {
        long wait = backoffMillis << Math.min(20, Math.max(0, attempt - 1));
        return Math.min(Math.min(wait, maxBackoffMillis), Math.max(1, leaseMillis / 2));
    }
}
