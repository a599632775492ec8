package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.Topology;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * The mover's view of the stored topology (issue 11's {@link TopologyService}). Makes every step
 * idempotent, as a resumed move repeats the step it was killed in: a step whose state is
 * already reached is skipped (beginMove on MOVING buckets, fence on FENCED, completeMove on
 * MOVED or already mapped to the target, abortMove on SERVING). After the source's copies are
 * deleted, {@link #released} waits for every live instance to follow the completion and drops
 * the fence (the buckets become SERVING on the target, so they can move again).
 *
 * <p>Caches (issue 16): the entries of the moving buckets on their source AND their target are
 * evicted through {@link Eviction} right before {@code completeMove} (so that the first read routed
 * to the target cannot find an entry left from an earlier stay of the bucket there), right after it,
 * after an {@code abortMove}, and in {@link #released} after every live instance follows the
 * completion and before the fence goes (entries a lagging reader put on the source meanwhile).
 */
public final class StoredMoveTopology implements MoveTopology {

    /** Evicts the cached entries of buckets on one shard, here and in the other instances (the caches' seam). */
    @FunctionalInterface
    public interface Eviction {
        Eviction NONE = (shard, buckets) -> {
        };

        void evict(String shard, Set<Integer> buckets);
    }

    private final TopologyService service;
    private final Eviction eviction;

    public StoredMoveTopology(TopologyService service) {
        this(service, Eviction.NONE);
    }

    public StoredMoveTopology(TopologyService service, Eviction eviction) {
        this.service = service;
        this.eviction = eviction == null ? Eviction.NONE : eviction;
    }

    private Topology now() {
        return service.current();
    }

    @Override
    public String ownerOf(int bucket) {
        return now().map().shardOf(bucket);
    }

    @Override
    public int bucketCount() {
        return now().map().bucketCount();
    }

    @Override
    public boolean isMoving(int bucket) {
        return now().stateOf(bucket).phase() != BucketState.Phase.SERVING;
    }

    @Override
    public void beginMove(Set<Integer> buckets, String from, String to) {
        if (!all(buckets, BucketState.Phase.MOVING)) {
            service.beginMove(buckets, from, to);
        }
    }

    @Override
    public void fence(Set<Integer> buckets) {
        if (!all(buckets, BucketState.Phase.FENCED)) {
            service.fence(buckets);
        }
    }

    @Override
    public void completeMove(Set<Integer> buckets) {
        Topology t = now();
        boolean done = buckets.stream().allMatch(b -> t.stateOf(b).phase() == BucketState.Phase.MOVED
                || t.stateOf(b).phase() == BucketState.Phase.SERVING && t.map().shardOf(b).equals(targetOf(t, buckets)));
        if (!done) {
            Set<String> shards = shardsOf(t, buckets);
            evict(shards, buckets);
            service.completeMove(buckets);
            evict(shards, buckets);
        }
    }

    @Override
    public void abortMove(Set<Integer> buckets) {
        Topology t = now();
        if (!all(buckets, BucketState.Phase.SERVING)) {
            Set<String> shards = shardsOf(t, buckets);
            service.abortMove(buckets);
            evict(shards, buckets);
        }
    }

    @Override
    public void released(Set<Integer> buckets) {
        Topology t = now();
        if (all(buckets, BucketState.Phase.MOVED)) {
            service.awaitInstancesAt(t.version());
            evict(shardsOf(t, buckets), buckets);
            service.releaseFence(buckets);
        }
    }

    /** The shards a move of these buckets involves: each one's owner and its move's source and target. */
    private static Set<String> shardsOf(Topology t, Set<Integer> buckets) {
        Set<String> shards = new java.util.TreeSet<>();
        for (int b : buckets) {
            shards.add(t.map().shardOf(b));
            BucketState s = t.stateOf(b);
            if (s.from() != null) {
                shards.add(s.from());
            }
            if (s.to() != null) {
                shards.add(s.to());
            }
        }
        return shards;
    }

    private void evict(Set<String> shards, Set<Integer> buckets) {
        for (String shard : shards) {
            eviction.evict(shard, buckets);
        }
    }

    /**
     * Before the mover deletes the source's copies: waits until every live instance follows the
     * switch (so none still reads the old copies by an older map), then the session carries the
     * current version (the source's fence lets the mover's deletes through).
     */
    @Override
    public void prepareSourceSession(Connection source) throws SQLException {
        service.awaitInstancesAt(now().version());
        try (Statement st = source.createStatement()) {
            st.execute("SET shorm.topology_version = " + now().version());
        }
    }

    private static String targetOf(Topology t, Set<Integer> buckets) {
        for (int b : buckets) {
            if (t.stateOf(b).to() != null) {
                return t.stateOf(b).to();
            }
        }
        return null;
    }

    private boolean all(Set<Integer> buckets, BucketState.Phase phase) {
        Topology t = now();
        return buckets.stream().allMatch(b -> t.stateOf(b).phase() == phase);
    }
}
