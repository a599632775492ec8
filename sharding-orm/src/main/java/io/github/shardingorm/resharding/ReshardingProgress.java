package io.github.shardingorm.resharding;

/**
 * A snapshot of one move's progress.
 *
 * @param moveId          the move
 * @param source          the source shard
 * @param target          the target shard
 * @param buckets         the moving buckets, e.g. {@code "0-9,17"}
 * @param phase           where it is
 * @param rowsCopied      rows written to the target by the copy
 * @param bytesCopied     bytes written to the target by the copy
 * @param rowsEstimated   the estimate of rows to copy (from the catalog statistics)
 * @param changesApplied  changes applied by the catch-up
 * @param lagBytes        WAL bytes the target still has to apply (-1 when unknown)
 * @param rowsPerSecond   copy rate so far
 * @param etaSeconds      estimated seconds to the end of the copy (-1 when unknown)
 */
public record ReshardingProgress(String moveId, String source, String target, String buckets, ReshardingPhase phase,
                                 long rowsCopied, long bytesCopied, long rowsEstimated, long changesApplied,
                                 long lagBytes, double rowsPerSecond, long etaSeconds) {

    /** One line for a console: phase, a progress bar, rows, bytes, rate, ETA, lag. */
    public String toLine() {
        double done = rowsEstimated <= 0 ? (phase.ordinal() >= ReshardingPhase.CATCHING_UP.ordinal() ? 1 : 0)
                : Math.min(1, (double) rowsCopied / rowsEstimated);
        if (phase.ordinal() >= ReshardingPhase.CATCHING_UP.ordinal()) {
            done = 1;
        }
        int filled = (int) Math.round(done * 30);
        return String.format("%s %s->%s [%s%s] %3.0f%% %,d rows %,d KiB %,.0f rows/s ETA %s lag %s changes %,d phase %s",
                moveId, source, target, "#".repeat(filled), ".".repeat(30 - filled), done * 100, rowsCopied,
                bytesCopied / 1024, rowsPerSecond, etaSeconds < 0 ? "-" : etaSeconds + "s",
                lagBytes < 0 ? "-" : lagBytes + " B", changesApplied, phase);
    }
}
