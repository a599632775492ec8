package io.github.shardingorm.internal.stats;

/**
 * Which stripe of a shard's counters the current thread writes: its thread id modulo
 * {@value #COUNT}, so that the threads of a pool (consecutive ids) spread evenly and two threads
 * write the same cache lines only when there are more threads than stripes. Reads sum the stripes.
 */
final class Stripes {

    /** Stripes per counter (a power of two). */
    static final int COUNT = 4;

    private Stripes() {
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    static int ofCurrentThread() {
        return (int) Thread.currentThread().getId() & (COUNT - 1);
    }
}
