package io.github.shardingorm.it.resharding;

import io.github.shardingorm.internal.resharding.BucketMove;
import io.github.shardingorm.internal.resharding.BucketSet;
import io.github.shardingorm.internal.resharding.MoveOptions;
import io.github.shardingorm.internal.resharding.MoveTopology;
import io.github.shardingorm.resharding.ReshardingPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A JVM that runs (or resumes) one move and can be told to hold still at a step so that the
 * test kills it there with SIGKILL. Prints {@code STEP <name>} when it holds, {@code DONE <phase>}
 * at the end. Arguments: moveId source target buckets pauseStep throttle shard...
 */
public final class MoveChild {

    private MoveChild() {
    }

    public static void main(String[] args) throws Exception {
        String moveId = args[0];
        String source = args[1];
        String target = args[2];
        String buckets = args[3];
        String pause = args[4];
        long throttle = Long.parseLong(args[5]);
        List<ReshardFixture.Shard> shards = new ArrayList<>();
        for (int i = 6; i < args.length; i++) {
            shards.add(ReshardFixture.Shard.parse(args[i]));
        }
        GuardTopology guard = new GuardTopology(shards.get(0), shards, ReshardFixture.BUCKETS);
        MoveTopology topology = new MoveTopology() {
            @Override public String ownerOf(int bucket) { return guard.ownerOf(bucket); }
            @Override public int bucketCount() { return guard.bucketCount(); }
            @Override public boolean isMoving(int bucket) { return guard.isMoving(bucket); }
            @Override public void beginMove(Set<Integer> b, String from, String to) { guard.beginMove(b, from, to); }
            @Override public void fence(Set<Integer> b) { guard.fence(b); hold(pause, "fence"); }
            @Override public void completeMove(Set<Integer> b) { guard.completeMove(b); hold(pause, "switch"); }
            @Override public void abortMove(Set<Integer> b) { guard.abortMove(b); }
        };
        BucketMove move = new BucketMove(new BucketMove.Spec(moveId, BucketMoveIT.def(shards, source), BucketMoveIT.def(shards, target),
                BucketSet.parse(ReshardFixture.BUCKETS, buckets), ReshardFixture.TABLES), topology,
                MoveOptions.DEFAULTS.withChunkRows(500).withThrottle(throttle), p -> {
                    if (p.phase() == ReshardingPhase.COPYING && p.rowsCopied() > 0) {
                        hold(pause, "copy");
                    }
                    if (p.phase() == ReshardingPhase.CATCHING_UP && p.changesApplied() > 0) {
                        hold(pause, "catchup");
                    }
                    if (p.phase() == ReshardingPhase.SWITCHED) {
                        hold(pause, "cleanup");
                    }
                });
        System.out.println("READY");
        ReshardingPhase end = move.run();
        System.out.println("DONE " + end);
    }

    private static void hold(String pause, String step) {
        if (pause.equals(step)) {
            System.out.println("STEP " + step);
            System.out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
