package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.resharding.Resharding;
import io.github.shardingorm.resharding.ReshardingException;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingPlan;
import io.github.shardingorm.resharding.ReshardingProgress;
import io.github.shardingorm.resharding.ReshardingRefusedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * {@code orm.resharding()}: plans placement changes into moves ({@link MovePlanner}), checks
 * every move's preconditions before anything runs, and finds recorded jobs again after a restart.
 */
public final class ReshardingService implements Resharding {

    private final Map<String, ShardDefinition> shards = new LinkedHashMap<>();
    private final Supplier<List<MovedTable>> tables;
    private final MoveTopology topology;
    private final Supplier<List<String>> referenceTables;
    private final ActiveJobs active = new ActiveJobs();

    /**
     * @param shards   every configured shard
     * @param tables   the sharded tables with their key columns (co-located: all move together)
     * @param topology the stored topology the moves change
     */
    public ReshardingService(List<ShardDefinition> shards, Supplier<List<MovedTable>> tables, MoveTopology topology) {
        this(shards, tables, List::of, topology);
    }

    /**
     * @param referenceTables the tables of the unit's reference entities (an import copies them to every shard)
     */
    public ReshardingService(List<ShardDefinition> shards, Supplier<List<MovedTable>> tables, Supplier<List<String>> referenceTables,
                             MoveTopology topology) {
        shards.forEach(s -> this.shards.put(s.id(), s));
        this.tables = tables;
        this.referenceTables = referenceTables;
        this.topology = topology;
    }

    /** The jobs and imports of this unit running in this JVM (what the resharding meters show). */
    public ActiveJobs active() {
        return active;
    }

    @Override
    public Import importFrom(String jdbcUrl, String user, String password) {
        return new MonolithImport(jdbcUrl, user, password, shards, tables.get(), referenceTables.get(), topology, active);
    }

    @Override
    public List<ReshardingProgress> unfinishedImports() {
        return ImportRun.unfinished(List.copyOf(shards.values()));
    }

    @Override
    public Builder moveBuckets(int from, int toInclusive, String targetShard) {
        return new PlanBuilder("moveBuckets(" + from + ", " + toInclusive + ", " + targetShard + ")",
                (owners, problems) -> MovePlanner.moveRange(owners, from, toInclusive, targetShard, shards.keySet(), problems));
    }

    @Override
    public Builder addShard(String shardId) {
        return new PlanBuilder("addShard(" + shardId + ")", (owners, problems) -> MovePlanner.addShard(owners, shardId, shards.keySet(), problems));
    }

    @Override
    public Builder split(String shardId, String intoShard) {
        return new PlanBuilder("split(" + shardId + ", " + intoShard + ")",
                (owners, problems) -> MovePlanner.split(owners, shardId, intoShard, shards.keySet(), problems));
    }

    @Override
    public Builder merge(String fromShard, String intoShard) {
        return new PlanBuilder("merge(" + fromShard + ", " + intoShard + ")",
                (owners, problems) -> MovePlanner.merge(owners, fromShard, intoShard, shards.keySet(), problems));
    }

    @Override
    public Builder rebalance() {
        return new PlanBuilder("rebalance()", (owners, problems) -> MovePlanner.rebalance(owners, List.copyOf(shards.keySet()), problems));
    }

    @Override
    public List<ReshardingJob> unfinished() {
        Map<String, List<BucketMove>> byJob = new LinkedHashMap<>();
        for (ShardDefinition shard : shards.values()) {
            try (Connection c = PgConnections.open(shard)) {
                for (MoveJobStore.JobRow row : MoveJobStore.unfinished(c)) {
                    if (row.source().equals(MonolithImport.SOURCE_ID)) {
                        continue; // an import: see unfinishedImports(); resumed by planning it again
                    }
                    ShardDefinition source = shards.get(row.source());
                    if (source == null) {
                        throw new ReshardingException("move " + row.jobId() + " recorded on " + shard.id() + " comes from shard "
                                + row.source() + ", which is not configured " + shards.keySet());
                    }
                    BucketMove move = new BucketMove(new BucketMove.Spec(row.jobId(), source, shard,
                            BucketSet.parse(row.bucketCount(), row.buckets()), row.tables()), topology, MoveOptions.DEFAULTS, null);
                    byJob.computeIfAbsent(jobOf(row.jobId()), k -> new ArrayList<>()).add(move);
                }
            } catch (SQLException e) {
                throw new ReshardingException("reading the recorded moves on " + PgConnections.describe(shard) + " failed: "
                        + e.getMessage(), e);
            }
        }
        List<ReshardingJob> jobs = new ArrayList<>();
        byJob.forEach((id, moves) -> {
            moves.sort(java.util.Comparator.comparing(m -> m.spec().moveId()));
            jobs.add(new ReshardingRun(id, moves, topology, MoveOptions.DEFAULTS, active));
        });
        return jobs;
    }

    private static String jobOf(String moveId) {
        int i = moveId.lastIndexOf("_m");
        return i < 0 ? moveId : moveId.substring(0, i);
    }

    private String[] owners() {
        String[] owners = new String[topology.bucketCount()];
        for (int b = 0; b < owners.length; b++) {
            owners[b] = topology.ownerOf(b);
        }
        return owners;
    }

    /** The options, then the checked plan. */
    private final class PlanBuilder implements Builder {

        private final String what;
        private final BiFunction<String[], List<String>, List<MovePlanner.PlannedMove>> planner;
        private MoveOptions options = MoveOptions.DEFAULTS;

        PlanBuilder(String what, BiFunction<String[], List<String>, List<MovePlanner.PlannedMove>> planner) {
            this.what = what;
            this.planner = planner;
        }

        @Override
        public Builder throttle(long rowsPerSecond) {
            options = options.withThrottle(rowsPerSecond);
            return this;
        }

        @Override
        public Builder chunkRows(int rows) {
            options = options.withChunkRows(rows);
            return this;
        }

        @Override
        public Builder keepSourceRowsUntilComplete() {
            options = options.withDeleteSourceRows(false);
            return this;
        }

        @Override
        public Builder verify(boolean verify) {
            options = options.withVerifyBeforeSwitch(verify);
            return this;
        }

        @Override
        public ReshardingPlan plan() {
            List<String> problems = new ArrayList<>();
            List<MovePlanner.PlannedMove> planned = planner.apply(owners(), problems);
            if (!problems.isEmpty()) {
                throw new ReshardingRefusedException("resharding " + what, problems);
            }
            String jobId = "j" + Long.toString(System.currentTimeMillis(), 36);
            List<MovedTable> moved = tables.get();
            List<BucketMove> moves = new ArrayList<>();
            List<ReshardingPlan.Move> described = new ArrayList<>();
            for (int i = 0; i < planned.size(); i++) {
                MovePlanner.PlannedMove p = planned.get(i);
                BucketMove move = new BucketMove(new BucketMove.Spec(jobId + "_m" + i, shards.get(p.source()), shards.get(p.target()),
                        new BucketSet(topology.bucketCount(), p.buckets()), moved), topology, options, null);
                for (String problem : move.check()) {
                    problems.add("move " + p.source() + "->" + p.target() + " of buckets " + move.spec().buckets().toText() + ": " + problem);
                }
                long[] estimate = problems.isEmpty() ? move.estimate() : new long[2];
                described.add(new ReshardingPlan.Move(move.spec().moveId(), p.source(), p.target(), move.spec().buckets().toText(),
                        estimate[0], estimate[1]));
                moves.add(move);
            }
            if (!problems.isEmpty()) {
                throw new ReshardingRefusedException("resharding " + what, problems);
            }
            return new ReshardingRun.Plan(jobId, what, described, new ReshardingRun(jobId, moves, topology, options, active)::start,
                    options.rowsPerSecond() > 0 ? options.rowsPerSecond() : 100_000, "");
        }
    }
}
