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

    /**
     * The plan handed to the caller; starting it starts the run.
     *
     * @param details extra lines after the first of {@link #describe()} (each ending with a newline), or ""
     */
    record Plan(String id, String what, List<Move> moves, java.util.function.Function<ReshardingListener, ReshardingJob> starter,
                long rowsPerSecond, String details) implements ReshardingPlan {

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
                    .append(moves.size() == 1 ? " move\n" : " moves\n").append(details);
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
            return starter.apply(listener);
        }
    }

    private final String id;
    private final List<BucketMove> moves;
    private final MoveTopology topology;
    private final MoveOptions options;
    private final JobThread runner;
    private volatile BucketMove current;
    private volatile boolean stopped;
    private volatile List<BucketMove> running;

    ReshardingRun(String id, List<BucketMove> moves, MoveTopology topology, MoveOptions options, ActiveJobs active) {
        this.id = id;
        this.moves = List.copyOf(moves);
        this.topology = topology;
        this.options = options;
        this.runner = new JobThread("resharding job " + id, active, "move", this::summary);
    }

    /** Records every move on its target, then runs them ({@link ReshardingPlan#start}). */
    ReshardingJob start(ReshardingListener listener) {
        for (BucketMove m : moves) {
            m.record();
        }
        return resume(listener);
    }

    @Override
    public String id() {
        return id;
    }

    /** The job's summary while it runs (its moves' live progress summed). */
    private ReshardingProgress summary() {
        List<BucketMove> live = running;
        if (live == null) {
            return null;
        }
        List<ReshardingProgress> each = new ArrayList<>();
        live.forEach(m -> each.add(m.progress()));
        return ActiveJobs.sum(id, each);
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
        if (runner.isAlive()) {
            return this;
        }
        stopped = false;
        List<BucketMove> runs = new ArrayList<>();
        for (BucketMove m : moves) {
            runs.add(new BucketMove(m.spec(), topology, m.options(), listener));
        }
        running = runs;
        runner.start("sharding-orm-resharding-" + id, () -> {
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
        }, () -> current = null);
        return this;
    }

    @Override
    public void awaitCompletion() {
        runner.await();
    }

    @Override
    public boolean awaitCompletion(Duration timeout) {
        return runner.await(timeout);
    }

    @Override
    public void stop() {
        stopped = true;
        BucketMove m = current;
        if (m != null) {
            m.stop();
        }
        runner.join(0);
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
