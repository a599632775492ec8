package io.github.shardingorm.internal.writes;

import io.github.shardingorm.internal.saga.SagaEngine;
import io.github.shardingorm.internal.twophase.TwoPhaseCommitter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery of writes that span shards: one pass resumes the sagas that are due (when any saga can
 * exist) and resolves in-doubt two-phase commit transactions. A thread runs a pass right after
 * start-up, then every {@code intervalMillis} (0: no periodic passes); {@link #close()} stops it.
 * A pass also applies saga-log retention, at most once a minute and at most
 * {@value #PURGE_BATCHES_PER_PASS} batches of {@value #PURGE_BATCH} per shard.
 */
final class RecoveryLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryLoop.class);

    private final SagaEngine sagas;
    private final boolean scanSagas;
    private final TwoPhaseCommitter twoPhase;
    private final ScheduledExecutorService executor;
    private final CountDownLatch firstPass = new CountDownLatch(1);
    private final long retentionMillis;
    private long lastPurge = Long.MIN_VALUE;

    /** Sagas deleted per shard and statement by retention. */
    static final int PURGE_BATCH = 500;
    /** Batches per shard and background pass: retention never holds a pass for long. */
    static final int PURGE_BATCHES_PER_PASS = 10;
    /** Retention runs at most this often. */
    static final long PURGE_EVERY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    /**
     * Starts the thread.
     *
     * @param scanSagas whether passes read the saga logs (false when no saga can exist: no saga
     *                  types, no reference entities)
     */
    RecoveryLoop(SagaEngine sagas, boolean scanSagas, TwoPhaseCommitter twoPhase, long intervalMillis, long retentionMillis) {
        this.retentionMillis = retentionMillis;
        this.sagas = sagas;
        this.scanSagas = scanSagas;
        this.twoPhase = twoPhase;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sharding-orm-recovery");
            t.setDaemon(true);
            return t;
        });
        Runnable pass = () -> {
            try {
                int acted = pass();
                if (acted > 0) {
                    LOG.info("recovery pass: acted on {} sagas / in-doubt transactions", acted);
                }
            } catch (Throwable t) {
                LOG.warn("recovery pass failed: {}", t.toString());
            } finally {
                firstPass.countDown();
            }
        };
        if (intervalMillis > 0) {
            executor.scheduleWithFixedDelay(pass, 0, intervalMillis, TimeUnit.MILLISECONDS);
        } else {
            executor.execute(pass);
        }
    }

    /**
     * One pass now. Not reentrant: concurrent calls run one after the other.
     *
     * @return the number of sagas and in-doubt transactions acted on
     */
    synchronized int pass() {
        int acted = scanSagas ? sagas.recover() : 0;
        if (scanSagas && retentionMillis > 0 && (lastPurge == Long.MIN_VALUE || System.nanoTime() - lastPurge >= PURGE_EVERY_NANOS)) {
            lastPurge = System.nanoTime();
            try {
                sagas.purgeFinished(retentionMillis, PURGE_BATCH, PURGE_BATCHES_PER_PASS);
            } catch (RuntimeException e) {
                LOG.warn("saga log retention failed (retried next pass): {}", e.getMessage());
            }
        }
        try {
            acted += twoPhase.recover();
        } catch (RuntimeException e) {
            LOG.warn("two-phase commit recovery failed: {}", e.getMessage(), e);
        }
        return acted;
    }

    /** Runs a pass soon on the recovery thread (does not wait); ignored once closed. */
    void requestPass() {
        try {
            executor.execute(() -> {
                try {
                    pass();
                } catch (Throwable t) {
                    LOG.warn("recovery pass failed: {}", t.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("recovery is closed: pass not run");
        }
    }

    /** Waits until the start-up pass has finished; returns whether it did within {@code millis}. */
    boolean awaitFirstPass(long millis) throws InterruptedException {
        return firstPass.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread, waiting up to 5 s for a running pass. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("recovery thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
