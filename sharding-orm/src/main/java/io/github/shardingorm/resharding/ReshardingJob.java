package io.github.shardingorm.resharding;

import java.time.Duration;
import java.util.List;

/** A running (or recorded) resharding job: its moves, run one after the other. */
public interface ReshardingJob {

    String id();

    /** The latest progress of every move, in order. */
    List<ReshardingProgress> progress();

    /** Whether every move is COMPLETED, or SWITCHED when source rows are kept until {@link #complete()}. */
    boolean isDone();

    /**
     * Waits until the job is done.
     *
     * @throws ReshardingException when a move failed (the job can be resumed or rolled back)
     */
    void awaitCompletion();

    /** Like {@link #awaitCompletion()} with a bound; returns whether it finished in time. */
    boolean awaitCompletion(Duration timeout);

    /** Runs the recorded moves again from where they stopped (after a crash, or {@link #stop()}). */
    ReshardingJob resume(ReshardingListener listener);

    /** Stops the job at the next safe point; it stays resumable. */
    void stop();

    /**
     * Gives every bucket back to its old owner: a move not yet switched is undone (its copies
     * deleted); a move already switched is moved back with a reverse move (so changes made on the
     * new owner since flow back). Stops the job first.
     */
    void rollback();

    /** Deletes the moved rows from the sources of switched moves (when they were kept). */
    void complete();

    /** Per-bucket counts and checksums of every switched-but-not-completed or unswitched move; empty when equal. */
    List<String> verify();
}
