package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.resharding.ReshardingException;
import java.time.Duration;

/**
 * The background thread a job runs in, and how it ended: started once at a time, awaited with or
 * without a bound, its failure rethrown to the waiter with the cause kept. Shared by resharding
 * jobs ({@link ReshardingRun}) and imports ({@link ImportRun}).
 */
final class JobThread {

    /** The work of one run; a RuntimeException it throws is the run's failure. */
    @FunctionalInterface
    interface Body {
        void run();
    }

    private final String what;
    private final ActiveJobs active;
    private final ActiveJobs.Job job;
    private volatile Thread thread;
    private volatile RuntimeException failure;

    /**
     * @param what    names the job in messages, e.g. {@code "resharding job j1"}
     * @param active  where the job is listed while its thread runs (the metrics read it), or null
     * @param kind    {@code move} or {@code import}
     * @param summary the job's summary progress, in memory
     */
    JobThread(String what, ActiveJobs active, String kind, java.util.function.Supplier<io.github.shardingorm.resharding.ReshardingProgress> summary) {
        this.what = what;
        this.active = active;
        this.job = new ActiveJobs.Job(kind, summary);
    }

    /** Starts {@code body} in a daemon thread unless a run is still alive; returns whether it started. */
    synchronized boolean start(String name, Body body, Runnable atEnd) {
        if (isAlive()) {
            return false;
        }
        failure = null;
        if (active != null) {
            active.add(job);
        }
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                if (active != null) {
                    active.remove(job);
                }
                atEnd.run();
            }
        }, name);
        t.setDaemon(true);
        thread = t;
        t.start();
        return true;
    }

    /** Whether a run is alive. */
    boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Whether the caller is the job's own thread. */
    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** Waits for the run; rethrows its failure. */
    void await() {
        join(0);
        RuntimeException f = failure;
        if (f != null) {
            throw new ReshardingException(what + " failed: " + f.getMessage(), f);
        }
    }

    /** Like {@link #await()} with a bound; returns whether the run ended in time. */
    boolean await(Duration timeout) {
        if (!join(timeout.toMillis())) {
            return false;
        }
        await();
        return true;
    }

    /** Waits up to {@code millis} (0: without a bound); returns whether no run is alive. */
    boolean join(long millis) {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReshardingException("interrupted while waiting for " + what, e);
        }
        return !t.isAlive();
    }
}
