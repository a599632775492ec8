package io.github.shardingorm.internal.resharding;

/**
 * Tuning of one move.
 *
 * @param chunkRows          source rows per copied chunk (the most copy work a crash can cost)
 * @param rowsPerSecond      copy and clean-up throttle, 0 for none
 * @param batchChanges       changes applied per target transaction by the catch-up
 * @param caughtUpMillis     the catch-up counts as caught up (and the fence is taken) when a probe written into the
 *                           source's WAL comes back through the stream within this long, everything before it applied
 * @param markerTimeoutMillis how long the fenced switch waits for its marker before giving up (and releasing the fence)
 * @param verifyBeforeSwitch compare per-bucket counts and checksums at one point (source snapshot, target brought to it) before the fence
 * @param deleteSourceRows   delete the moved rows from the source right after the switch (else at {@code complete})
 */
public record MoveOptions(int chunkRows, long rowsPerSecond, int batchChanges, long caughtUpMillis,
                          long markerTimeoutMillis, boolean verifyBeforeSwitch, boolean deleteSourceRows) {

    public static final MoveOptions DEFAULTS = new MoveOptions(20_000, 0, 2_000, 50, 30_000, true, true);

    public MoveOptions {
        if (chunkRows < 1 || batchChanges < 1 || rowsPerSecond < 0 || caughtUpMillis < 1 || markerTimeoutMillis < 1) {
            throw new IllegalArgumentException("move options out of range: " + this);
        }
    }

    /** @throws IllegalArgumentException when {@code rows < 1} */
    public MoveOptions withChunkRows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("chunk rows must be >= 1 but was " + rows);
        }
        return new MoveOptions(rows, rowsPerSecond, batchChanges, caughtUpMillis, markerTimeoutMillis, verifyBeforeSwitch, deleteSourceRows);
    }

    /** @throws IllegalArgumentException when {@code perSecond < 0} */
    public MoveOptions withThrottle(long perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("throttle must be >= 0 rows/s (0: none) but was " + perSecond);
        }
        return new MoveOptions(chunkRows, perSecond, batchChanges, caughtUpMillis, markerTimeoutMillis, verifyBeforeSwitch, deleteSourceRows);
    }

    public MoveOptions withVerifyBeforeSwitch(boolean verify) {
        return new MoveOptions(chunkRows, rowsPerSecond, batchChanges, caughtUpMillis, markerTimeoutMillis, verify, deleteSourceRows);
    }

    public MoveOptions withDeleteSourceRows(boolean delete) {
        return new MoveOptions(chunkRows, rowsPerSecond, batchChanges, caughtUpMillis, markerTimeoutMillis, verifyBeforeSwitch, delete);
    }
}
