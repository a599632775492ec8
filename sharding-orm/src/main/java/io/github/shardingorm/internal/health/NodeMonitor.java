package io.github.shardingorm.internal.health;

import io.github.shardingorm.ShardUnavailableException.Reason;
import io.github.shardingorm.health.HealthState;
import io.github.shardingorm.health.NodeHealth;
import io.github.shardingorm.health.NodeRole;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The circuit breaker and the last probe sample of one database (a primary or a replica).
 *
 * <p>Closed ({@code UP}) while calls succeed; each failure that says the database is sick (see
 * {@link Failures#countsAgainstHealth}) counts, a success resets the count; below the threshold
 * the state is {@code DEGRADED}, at it the breaker opens ({@code DOWN}) and calls are refused
 * without touching the network. The half-open trial is the probe: the first probe that succeeds
 * closes the breaker ({@code UP}) and runs the heal hook (the pool drops the connections that
 * the outage broke). Hot-path reads ({@link #isOpen()}, {@link #recordSuccess()} when nothing
 * failed) are one volatile read.
 *
 * <p>A replica's sample: its replay LSN and lag, and when they were taken; a sample older than
 * the staleness window counts as infinitely behind (a stuck sampler must not make a replica look
 * fresh).
 */
public final class NodeMonitor {

    /** A lag that cannot be known. */
    public static final long INFINITE_LAG = Long.MAX_VALUE;

    private final String shardId;
    private final NodeRole role;
    private final String maskedUrl;
    private final int threshold;
    private final LongSupplier clockMillis;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile HealthState state = HealthState.UP;
    private volatile long sinceMillis;
    private volatile Throwable lastCause;
    private volatile Reason lastReason = Reason.UNREACHABLE;
    private volatile String lastError;
    private volatile long probeLatencyNanos = -1;
    private volatile Runnable onHeal = () -> { };
    // samples: a primary's current WAL position; a replica's replay position and lag
    private volatile long walLsn;
    private volatile long lagMillis = INFINITE_LAG;
    private volatile long sampledAtNanos = Long.MIN_VALUE;

    public NodeMonitor(String shardId, NodeRole role, String maskedUrl, int threshold, LongSupplier clockMillis) {
        this.shardId = shardId;
        this.role = role;
        this.maskedUrl = maskedUrl;
        this.threshold = threshold;
        this.clockMillis = clockMillis;
        this.sinceMillis = clockMillis.getAsLong();
    }

    public String shardId() {
        return shardId;
    }

    public NodeRole role() {
        return role;
    }

    public String maskedUrl() {
        return maskedUrl;
    }

    /** The breaker is open: refuse calls. */
    public boolean isOpen() {
        return state == HealthState.DOWN;
    }

    public HealthState state() {
        return state;
    }

    public Instant since() {
        return Instant.ofEpochMilli(sinceMillis);
    }

    public Throwable lastCause() {
        return lastCause;
    }

    public Reason lastReason() {
        return lastReason;
    }

    public String lastError() {
        return lastError;
    }

    /** Runs after the breaker closes again (on the probe's thread). */
    public void onHeal(Runnable hook) {
        this.onHeal = hook;
    }

    /** A call succeeded: resets the count of consecutive failures (nothing to do on the usual path). */
    public void recordSuccess() {
        if (failures.get() != 0) {
            synchronized (this) {
                if (state != HealthState.DOWN) {
                    failures.set(0);
                    transition(HealthState.UP);
                }
            }
        }
    }

    /**
     * A call or probe failed.
     *
     * @return true when this failure opened the breaker
     */
    public boolean recordFailure(Throwable failure) {
        Reason reason = Failures.classify(failure);
        return recordFailure(reason, failure, Failures.describe(failure));
    }

    /** A failure with a known reason and description (e.g. a probe that found a primary in recovery). */
    public synchronized boolean recordFailure(Reason reason, Throwable failure, String description) {
        if (!Failures.countsAgainstHealth(reason, failure)) {
            return false;
        }
        lastCause = failure;
        lastReason = reason;
        lastError = description;
        if (state == HealthState.DOWN) {
            return false;
        }
        if (failures.incrementAndGet() >= threshold) {
            transition(HealthState.DOWN);
            return true;
        }
        transition(HealthState.DEGRADED);
        return false;
    }

    /** Opens the breaker at once (a replica unreachable at start-up). */
    public synchronized void open(Throwable failure, String description) {
        lastCause = failure;
        lastReason = Failures.classify(failure);
        lastError = description;
        failures.set(threshold);
        transition(HealthState.DOWN);
    }

    /** The probe succeeded: closes the breaker if it was open. */
    public void probeSucceeded(long latencyNanos) {
        probeLatencyNanos = latencyNanos;
        boolean healed;
        synchronized (this) {
            healed = state == HealthState.DOWN;
            failures.set(0);
            transition(HealthState.UP);
        }
        if (healed) {
            onHeal.run();
        }
    }

    private void transition(HealthState next) {
        if (state != next) {
            state = next;
            sinceMillis = clockMillis.getAsLong();
        }
    }

    // ------------------------------------------------------------------ samples

    /** A primary's WAL position at the last probe. */
    public void sampledPrimary(long lsn, long nowNanos) {
        walLsn = lsn;
        sampledAtNanos = nowNanos;
    }

    /** A replica's replay position and lag at the last probe. */
    public void sampledReplica(long replayLsn, long lag, long nowNanos) {
        walLsn = replayLsn;
        lagMillis = lag;
        sampledAtNanos = nowNanos;
    }

    /** The sampled WAL position (a primary's current, a replica's replayed); 0 before the first sample. */
    public long walLsn() {
        return walLsn;
    }

    /** The sampled lag, or {@link #INFINITE_LAG} when down, never sampled, or sampled longer than {@code maxAgeNanos} ago. */
    public long lagMillis(long nowNanos, long maxAgeNanos) {
        if (state == HealthState.DOWN || sampledAtNanos == Long.MIN_VALUE || nowNanos - sampledAtNanos > maxAgeNanos) {
            return INFINITE_LAG;
        }
        return lagMillis;
    }

    public NodeHealth snapshot(long nowNanos, long maxAgeNanos) {
        long lag = role == NodeRole.PRIMARY ? 0 : lagMillis(nowNanos, maxAgeNanos);
        return new NodeHealth(shardId, role, maskedUrl, state, since(), lastError,
                probeLatencyNanos < 0 ? null : Duration.ofNanos(probeLatencyNanos),
                lag == INFINITE_LAG ? NodeHealth.INFINITE : Duration.ofMillis(lag));
    }

    @Override
    public String toString() {
        return role.name().toLowerCase(java.util.Locale.ROOT) + " of shard '" + shardId + "' (" + maskedUrl + ")";
    }
}
