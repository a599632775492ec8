package io.github.shardingorm.routing;

import io.github.shardingorm.spi.BucketedShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hash strategy spreads keys evenly: Pearson's chi-square test at significance p = 0.001.
 *
 * <p>The expected count of a shard is {@code n * bucketsOf(shard) / bucketCount} (with 7 shards the
 * uniform map gives some shards 585 buckets and others 586). The critical values are computed by
 * {@link ChiSquare#criticalValue} (df = shards - 1: 10.828 for 2 shards, 16.266 for 4, 22.458 for
 * 7; df = 4095 over the buckets themselves: about 4375). Keys come from fixed seeds, so each case
 * passes or fails deterministically.
 */
class HashDistributionTest {

    private static final int KEYS = 100_000;
    private static final int BUCKETS = 4096;
    private static final double SIGNIFICANCE = 0.001;

    static Stream<Arguments> keySetsAndShardCounts() {
        List<Arguments> cases = new ArrayList<>();
        for (KeySets keySet : KeySets.values()) {
            for (int shards : new int[] {2, 4, 7}) {
                cases.add(Arguments.of(keySet, shards));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} over {1} shards")
    @MethodSource("keySetsAndShardCounts")
    void uniformHash_spreadsKeysEvenlyOverShards(KeySets keySet, int shardCount) {
        List<String> shardIds = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
            shardIds.add("s" + i);
        }
        List<String> problems = new ArrayList<>();
        BucketedShardResolver resolver = (BucketedShardResolver) ShardingStrategies.hash()
                .bind(new ShardTopology(shardIds, BUCKETS), problems);
        assertNotNull(resolver, problems::toString);

        long[] observed = new long[shardCount];
        for (Object key : keySet.keys(KEYS)) {
            observed[shardIds.indexOf(resolver.shardOf(key))]++;
        }
        double[] expected = new double[shardCount];
        for (int i = 0; i < shardCount; i++) {
            expected[i] = (double) KEYS * resolver.shardMap().bucketsOf(shardIds.get(i)) / BUCKETS;
        }
        assertPasses(observed, expected);
    }

    @ParameterizedTest
    @EnumSource(KeySets.class)
    void bucketOf_spreadsKeysEvenlyOverAllBuckets(KeySets keySet) {
        long[] observed = new long[BUCKETS];
        for (Object key : keySet.keys(KEYS)) {
            observed[StableKeyHash.bucketOf(StableKeyHash.hash64(key), BUCKETS)]++;
        }
        double[] expected = new double[BUCKETS];
        Arrays.fill(expected, (double) KEYS / BUCKETS);
        assertPasses(observed, expected);
    }

    private static void assertPasses(long[] observed, double[] expected) {
        double statistic = ChiSquare.statistic(observed, expected);
        double critical = ChiSquare.criticalValue(observed.length - 1, SIGNIFICANCE);
        assertTrue(statistic < critical, () -> "chi-square " + statistic + " >= critical value " + critical
                + " (df=" + (observed.length - 1) + ", p=" + SIGNIFICANCE + "), counts "
                + (observed.length <= 16 ? Arrays.toString(observed) : observed.length + " buckets"));
    }
}
