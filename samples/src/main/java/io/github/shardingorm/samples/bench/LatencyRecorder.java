package io.github.shardingorm.samples.bench;

import java.util.Arrays;

/** Latencies of one operation on one thread; merged and sorted once at the end. */
final class LatencyRecorder {

    private long[] nanos = new long[1 << 14];
    private int count;

    void record(long elapsedNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = elapsedNanos;
    }

    int count() {
        return count;
    }

    static Summary summarize(Iterable<LatencyRecorder> recorders, double seconds) {
        int total = 0;
        for (LatencyRecorder r : recorders) {
            total += r.count;
        }
        long[] all = new long[total];
        int at = 0;
        for (LatencyRecorder r : recorders) {
            System.arraycopy(r.nanos, 0, all, at, r.count);
            at += r.count;
        }
        Arrays.sort(all);
        return new Summary(total, total / seconds, percentile(all, 0.50), percentile(all, 0.99));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** @param p50Millis median latency, @param p99Millis 99th percentile */
    record Summary(int operations, double perSecond, double p50Millis, double p99Millis) {
    }
}
