package io.github.shardingorm.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Pre-generated key ranks for benchmarks: uniform, or Zipf-skewed (a few hot keys take most of
 * the traffic, as real users and tenants do). Generated once in set-up with a fixed seed so that
 * every run and every competitor sees the same sequence.
 */
public enum KeyDistribution {
    UNIFORM,
    /** Zipf with exponent 0.99 (YCSB's default) over the key space. */
    ZIPF;

    private static final double ZIPF_EXPONENT = 0.99;

    /**
     * @param count    how many ranks to draw
     * @param keySpace ranks are in {@code [0, keySpace)}; rank 0 is the hottest under ZIPF
     * @param seed     the random seed
     */
    public long[] ranks(int count, int keySpace, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] ranks = new long[count];
        if (this == UNIFORM) {
            for (int i = 0; i < count; i++) {
                ranks[i] = random.nextInt(keySpace);
            }
            return ranks;
        }
        double[] cdf = new double[keySpace];
        double sum = 0;
        for (int r = 0; r < keySpace; r++) {
            sum += 1.0 / Math.pow(r + 1, ZIPF_EXPONENT);
            cdf[r] = sum;
        }
        for (int i = 0; i < count; i++) {
            int found = Arrays.binarySearch(cdf, random.nextDouble() * sum);
            ranks[i] = Math.min(found >= 0 ? found : -found - 1, keySpace - 1);
        }
        return ranks;
    }
}
