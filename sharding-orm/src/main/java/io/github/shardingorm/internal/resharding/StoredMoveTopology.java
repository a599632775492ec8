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
 */
public final class StoredMoveTopology implements MoveTopology {

    private final TopologyService service;

    public StoredMoveTopology(TopologyService service) {
        this.service = service;
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
            service.completeMove(buckets);
        }
    }

    @Override
    public void abortMove(Set<Integer> buckets) {
        if (!all(buckets, BucketState.Phase.SERVING)) {
            service.abortMove(buckets);
        }
    }

    @Override
    public void released(Set<Integer> buckets) {
        if (all(buckets, BucketState.Phase.MOVED)) {
            service.awaitInstancesAt(now().version());
            service.releaseFence(buckets);
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
