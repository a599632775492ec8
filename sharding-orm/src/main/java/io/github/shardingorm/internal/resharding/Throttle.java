package io.github.shardingorm.internal.resharding;

/** Paces a loop to at most {@code perSecond} units per second (0: no limit). */
final class Throttle {

    private Throttle() {
    }

    static void pace(long startedNanos, long done, long perSecond) {
        if (perSecond <= 0) {
            return;
        }
        long dueNanos = startedNanos + done * 1_000_000_000L / perSecond;
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
