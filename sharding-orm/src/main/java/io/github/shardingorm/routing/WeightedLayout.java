package io.github.shardingorm.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Lays out {@link ShardMap#weighted} maps: bucket shares by the largest remainder method, every
 * positively weighted shard at least one bucket, shards in ascending id order.
 */
final class WeightedLayout {

    private WeightedLayout() {
    }

    static String[] owners(int bucketCount, Map<String, Integer> weights) {
        Objects.requireNonNull(weights, "weights");
        List<String> ids = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Integer> entry : weights.entrySet()) {
            ShardMap.checkShardId(entry.getKey());
            Integer weight = entry.getValue();
            if (weight == null || weight < 0) {
                throw new IllegalArgumentException("Weight of shard " + entry.getKey() + " must be >= 0 but was " + weight);
            }
            if (weight > 0) {
                ids.add(entry.getKey());
                total += weight;
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("At least one shard needs a positive weight: " + weights);
        }
        if (ids.size() > bucketCount) {
            throw new IllegalArgumentException("Cannot give " + ids.size() + " weighted shards at least one of "
                    + bucketCount + " buckets each: " + weights);
        }
        ids.sort(Comparator.naturalOrder());
        int n = ids.size();
        int[] counts = new int[n];
        long[] remainders = new long[n];
        int assigned = 0;
        for (int i = 0; i < n; i++) {
            long share = (long) bucketCount * weights.get(ids.get(i));
            counts[i] = (int) (share / total);
            remainders[i] = share % total;
            assigned += counts[i];
        }
        Integer[] byRemainder = new Integer[n];
        Arrays.setAll(byRemainder, i -> i);
        Arrays.sort(byRemainder, Comparator.<Integer>comparingLong(i -> remainders[i]).reversed()
                .thenComparingInt(i -> i));
        for (int k = 0; k < bucketCount - assigned; k++) {
            counts[byRemainder[k]]++;
        }
        for (int i = 0; i < n; i++) {
            if (counts[i] == 0) {
                counts[largest(counts)]--;
                counts[i] = 1;
            }
        }
        String[] owners = new String[bucketCount];
        int from = 0;
        for (int i = 0; i < n; i++) {
            Arrays.fill(owners, from, from + counts[i], ids.get(i));
            from += counts[i];
        }
        return owners;
    }

    private static int largest(int[] counts) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }
}
