package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.resharding.ReshardingException;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingListener;
import io.github.shardingorm.resharding.ReshardingPhase;
import io.github.shardingorm.resharding.ReshardingPlan;
import io.github.shardingorm.resharding.ReshardingProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A job: its moves, run one after the other in one background thread. The moves are recorded
 * on their targets when the job starts, so {@code unfinished()} finds the whole job after a restart.
 */
final class ReshardingRun implements ReshardingJob {

    /** The plan handed to the caller; starting it starts the run. */
    record Plan(String id, String what, List<Move> moves, ReshardingRun run, long rowsPerSecond)
            implements ReshardingPlan {

        @Override
        public long estimatedRows() {
            return moves.stream().mapToLong(Move::estimatedRows).sum();
        }

        @Override
        public long estimatedBytes() {
            return moves.stream().mapToLong(Move::estimatedBytes).sum();
        }

        @Override
        public Duration estimatedTime() {
            return Duration.ofMillis(estimatedRows() * 1000 / Math.max(1, rowsPerSecond));
        }

        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder("job ").append(id).append(": ").append(what).append(", ").append(moves.size())
                    .append(moves.size() == 1 ? " move\n" : " moves\n");
            for (Move m : moves) {
                sb.append(String.format("  %s %s -> %s buckets %s: ~%,d rows, ~%,d KiB%n", m.moveId(), m.source(), m.target(),
                        m.buckets(), m.estimatedRows(), m.estimatedBytes() / 1024));
            }
            sb.append(String.format("  total ~%,d rows, ~%,d KiB, ~%d s at %,d rows/s", estimatedRows(), estimatedBytes() / 1024,
                    estimatedTime().toSeconds(), rowsPerSecond));
            return sb.toString();
        }

        @Override
        public ReshardingJob start(ReshardingListener listener) {
            for (BucketMove m : run.moves) {
                m.record();
            }
            return run.resume(listener);
        }
    }

    private final String id;
    private final List<BucketMove> moves;
    private final MoveTopology topology;
    private final MoveOptions options;
    private volatile Thread runner;
    private volatile BucketMove current;
    private volatile RuntimeException failure;
    private volatile boolean stopped;
    private volatile List<BucketMove> running;

    ReshardingRun(String id, List<BucketMove> moves, MoveTopology topology, MoveOptions options) {
        this.id = id;
        this.moves = List.copyOf(moves);
        this.topology = topology;
        this.options = options;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<ReshardingProgress> progress() {
        List<ReshardingProgress> all = new ArrayList<>();
        List<BucketMove> live = running;
        for (int i = 0; i < moves.size(); i++) {
            if (live != null) {
                all.add(live.get(i).progress());
            } else {
                ReshardingProgress recorded = moves.get(i).recordedProgress();
                all.add(recorded != null ? recorded : moves.get(i).progress());
            }
        }
        return all;
    }

    @Override
    public boolean isDone() {
        for (BucketMove m : moves) {
            ReshardingPhase p = m.recordedPhase();
            if (p != ReshardingPhase.COMPLETED && !(p == ReshardingPhase.SWITCHED && !m.options().deleteSourceRows())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized ReshardingJob resume(ReshardingListener listener) {
        if (runner != null && runner.isAlive()) {
            return this;
        }
        failure = null;
        stopped = false;
        List<BucketMove> runs = new ArrayList<>();
        for (BucketMove m : moves) {
            runs.add(new BucketMove(m.spec(), topology, m.options(), listener));
        }
        running = runs;
        Thread t = new Thread(() -> {
            try {
                for (BucketMove m : runs) {
                    if (stopped) {
                        return;
                    }
                    current = m;
                    ReshardingPhase p = m.recordedPhase();
                    if (p == ReshardingPhase.COMPLETED || p == ReshardingPhase.ROLLED_BACK) {
                        continue;
                    }
                    m.run();
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                current = null;
            }
        }, "sharding-orm-resharding-" + id);
        t.setDaemon(true);
        runner = t;
        t.start();
        return this;
    }

    @Override
    public void awaitCompletion() {
        join(0);
        if (failure != null) {
            throw new ReshardingException("resharding job " + id + " failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public boolean awaitCompletion(Duration timeout) {
        if (!join(timeout.toMillis())) {
            return false;
        }
        awaitCompletion();
        return true;
    }

    private boolean join(long millis) {
        Thread t = runner;
        if (t == null) {
            return true;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReshardingException("interrupted while waiting for resharding job " + id, e);
        }
        return !t.isAlive();
    }

    @Override
    public void stop() {
        stopped = true;
        BucketMove m = current;
        if (m != null) {
            m.stop();
        }
        join(0);
    }

    @Override
    public void rollback() {
        stop();
        List<BucketMove> reversed = new ArrayList<>(moves);
        java.util.Collections.reverse(reversed);
        for (BucketMove m : reversed) {
            ReshardingPhase p = m.recordedPhase();
            if (p == null || p.canRollBack()) {
                m.rollback();
            } else if (p == ReshardingPhase.SWITCHED || p == ReshardingPhase.COMPLETED) {
                if (p == ReshardingPhase.SWITCHED) {
                    m.complete();
                }
                BucketMove.Spec s = m.spec();
                BucketMove back = new BucketMove(new BucketMove.Spec(s.moveId() + "_back", s.target(), s.source(), s.buckets(), s.tables()),
                        topology, options.withDeleteSourceRows(true), null);
                back.run();
            }
        }
    }

    @Override
    public void complete() {
        for (BucketMove m : moves) {
            if (m.recordedPhase() == ReshardingPhase.SWITCHED) {
                m.complete();
            }
        }
    }

    @Override
    public List<String> verify() {
        List<String> all = new ArrayList<>();
        for (BucketMove m : moves) {
            ReshardingPhase p = m.recordedPhase();
            if (p != ReshardingPhase.COMPLETED && p != ReshardingPhase.ROLLED_BACK) {
                m.verify().forEach(x -> all.add(m.spec().moveId() + ": " + x));
            }
        }
        return all;
    }
}
