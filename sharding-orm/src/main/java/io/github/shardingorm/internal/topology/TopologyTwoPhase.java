package io.github.shardingorm.internal.topology;

/**
 * What the two-phase publish of a topology change needs from the library's two-phase commit
 * ({@code internal.twophase}, wired by start-up: this floor does not know it): its decision log
 * ({@code shorm_2pc_decision}, here on the home shard, which is the coordinator named in every
 * gid), its test hooks, and its recovery, which resolves a topology transaction left prepared
 * exactly as any other ({@code shorm_<txid>:<home>:<shard>}: commit when the decision is logged,
 * roll back once it is older than the grace period without one).
 */
public interface TopologyTwoPhase {

    /**
     * Logs {@code "commit"} unless a decision exists, on {@code home} (the coordinator's connection the
     * publisher holds, in auto-commit after its PREPARE); returns the decision that holds
     * ({@code "commit"} or {@code "abort"}).
     */
    String decideCommit(java.sql.Connection home, String coordinator, String txid, String participants) throws java.sql.SQLException;

    /** Deletes a commit decision once every participant committed (best effort). */
    void forget(String coordinator, String txid);

    /** The test hook at a boundary: {@code "BEFORE_PREPARE"}, {@code "PREPARED"}, {@code "DECIDED"}, {@code "COMMITTED"}. */
    void at(String point, String txid, int participant);

    /** Asks the recovery loop for a pass soon (does not wait; never runs recovery on the caller's thread). */
    void requestRecovery();
}
