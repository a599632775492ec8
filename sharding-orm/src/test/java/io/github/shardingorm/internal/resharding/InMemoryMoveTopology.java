package io.github.shardingorm.internal.resharding;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The topology contract in memory, for unit tests: owners, moves and fences per bucket. */
final class InMemoryMoveTopology implements MoveTopology {

    private final String[] owners;
    private final Map<Integer, String[]> moving = new HashMap<>();
    private final Map<Integer, Boolean> fenced = new HashMap<>();

    InMemoryMoveTopology(String... owners) {
        this.owners = Arrays.copyOf(owners, owners.length);
    }

    @Override
    public synchronized String ownerOf(int bucket) {
        return owners[bucket];
    }

    @Override
    public int bucketCount() {
        return owners.length;
    }

    @Override
    public synchronized boolean isMoving(int bucket) {
        return moving.containsKey(bucket);
    }

    synchronized boolean isFenced(int bucket) {
        return fenced.getOrDefault(bucket, false);
    }

    @Override
    public synchronized void beginMove(Set<Integer> buckets, String from, String to) {
        buckets.forEach(b -> moving.put(b, new String[] {from, to}));
    }

    @Override
    public synchronized void fence(Set<Integer> buckets) {
        buckets.forEach(b -> fenced.put(b, true));
    }

    @Override
    public synchronized void completeMove(Set<Integer> buckets) {
        for (int b : buckets) {
            String[] m = moving.remove(b);
            if (m != null) {
                owners[b] = m[1];
            }
            fenced.remove(b);
        }
    }

    @Override
    public synchronized void abortMove(Set<Integer> buckets) {
        buckets.forEach(b -> {
            moving.remove(b);
            fenced.remove(b);
        });
    }
}
