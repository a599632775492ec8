package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.resharding.ReshardingException;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingListener;
import io.github.shardingorm.resharding.ReshardingPhase;
import io.github.shardingorm.resharding.ReshardingPlan;
import io.github.shardingorm.resharding.ReshardingProgress;
import io.github.shardingorm.resharding.ReshardingVerificationException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An import from a single database, as a {@link ReshardingJob}.
 *
 * <h2>Design note</h2>
 * <b>Offline</b>: one pass over the monolith per table, primary-key chunk after chunk, in one
 * REPEATABLE READ snapshot; each chunk's binary COPY is routed row by row ({@link ChunkCopier#copyRouted})
 * into one {@code COPY FROM STDIN} per shard (the shard of the row's bucket; every shard for a
 * reference table), and each shard commits its part together with the chunk's record in its
 * own job store. A kill -9 between two shards' commits leaves them one chunk apart; the resumed
 * run starts at the lagging shard's last chunk and leaves out the shards that have it, so at most
 * one chunk of work is lost and nothing is copied twice. Then per shard and table the rows of the
 * shard's buckets on the monolith are compared with the shard's rows (counts and order-independent
 * checksums per bucket, {@link MoveVerifier}).
 *
 * <p><b>Online</b>: per shard one {@link BucketMove} from the monolith of its buckets of the
 * sharded tables, and one of every bucket of the reference tables, all running at once under an
 * {@link ImportTopology} (copy from the slot's snapshot, catch-up of the routed changes, verification
 * at a point); they fence once all are caught up (the write freeze), apply up to their markers and
 * switch; then the freeze is dropped and the records marked COMPLETED. A failure stops every move
 * and rolls the import back (no slot, publication or trigger left); a kill -9 leaves the records,
 * and planning the same import again resumes every move from its recorded step.
 */
final class ImportRun implements ReshardingJob {

    private static final Logger LOG = LoggerFactory.getLogger(ImportRun.class);

    private final String id;
    private final ShardDefinition monolith;
    private final List<ShardDefinition> shards;
    private final String[] owners;
    private final List<TableShape> shardedShapes;
    private final List<TableShape> referenceShapes;
    private final List<MovedTable> sharded;
    private final List<MovedTable> reference;
    private final boolean online;
    private final MoveOptions options;
    private final List<BucketMove> moves;
    private final JobThread runner;
    private volatile boolean stopped;
    private volatile List<BucketMove> running = List.of();
    private volatile ReshardingListener listener = ReshardingListener.none();
    private final Map<String, long[]> tableProgress = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile ReshardingPhase offlinePhase;
    private volatile long startedNanos;
    private volatile long rowsReadThisRun;

    private ImportRun(String id, ShardDefinition monolith, List<ShardDefinition> shards, String[] owners, List<TableShape> shardedShapes,
                      List<TableShape> referenceShapes, List<MovedTable> sharded, List<MovedTable> reference, boolean online,
                      MoveOptions options, ActiveJobs active) {
        this.id = id;
        this.monolith = monolith;
        this.shards = List.copyOf(shards);
        this.owners = owners;
        this.shardedShapes = List.copyOf(shardedShapes);
        this.referenceShapes = List.copyOf(referenceShapes);
        this.sharded = List.copyOf(sharded);
        this.reference = List.copyOf(reference);
        this.online = online;
        this.options = options;
        this.moves = online ? onlineMoves() : List.of();
        // the summary is the last line of progress(): the import's total
        this.runner = new JobThread("import " + id, active, "import", () -> {
            if (this.online && running.isEmpty()) {
                return null; // its moves are not running yet: their progress would be read from the shards
            }
            List<ReshardingProgress> all = progress();
            return all.isEmpty() ? null : all.get(all.size() - 1);
        });
    }

    static ReshardingPlan plan(String jobId, String what, ShardDefinition monolith, List<ShardDefinition> shards, String[] owners,
                     List<TableShape> shardedShapes, List<TableShape> referenceShapes, List<MovedTable> sharded,
                     List<MovedTable> reference, List<String> leftOut, boolean online, MoveOptions options, ActiveJobs active) {
        ImportRun run = new ImportRun(jobId, monolith, shards, owners, shardedShapes, referenceShapes, sharded, reference, online, options,
                active);
        List<ReshardingPlan.Move> described = new ArrayList<>();
        try (Connection src = PgConnections.open(monolith)) {
            for (int i = 0; i < shards.size(); i++) {
                ShardDefinition s = shards.get(i);
                BucketSet mine = run.bucketsOf(s.id());
                long rows = 0;
                long bytes = 0;
                if (mine != null && !shardedShapes.isEmpty()) {
                    rows += MoveCatalog.estimateRows(src, shardedShapes, mine);
                    bytes += MoveCatalog.estimateBytes(src, shardedShapes, mine);
                }
                if (!referenceShapes.isEmpty()) {
                    rows += MoveCatalog.estimateRows(src, referenceShapes, run.allBuckets());
                    bytes += MoveCatalog.estimateBytes(src, referenceShapes, run.allBuckets());
                }
                described.add(new ReshardingPlan.Move(moveId(jobId, i), SOURCE, s.id(), mine == null ? "-" : mine.toText(), rows, bytes));
            }
        } catch (SQLException e) {
            throw new ReshardingException(what + ": estimating its size failed: " + e.getMessage(), e);
        }
        String details = "  " + (online ? "online" : "offline") + "\n  sharded: "
                + (sharded.isEmpty() ? "-" : String.join(", ", sharded.stream().map(MovedTable::toText).toList()))
                + "\n  reference (to every shard): " + (reference.isEmpty() ? "-" : String.join(", ", reference.stream().map(MovedTable::table).toList()))
                + "\n  left out: " + (leftOut.isEmpty() ? "-" : String.join(", ", leftOut)) + "\n";
        return new ReshardingRun.Plan(jobId, what, described, run::start, options.rowsPerSecond() > 0 ? options.rowsPerSecond() : 100_000,
                details);
    }

    private static final String SOURCE = MonolithImport.SOURCE_ID;

    static String moveId(String jobId, int shard) {
        return jobId + "_m" + shard;
    }

    static String referenceMoveId(String jobId, int shard) {
        return jobId + "_r" + shard;
    }

    /** The job id of a recorded move id. */
    static String jobOf(String moveId) {
        int i = Math.max(moveId.lastIndexOf("_m"), moveId.lastIndexOf("_r"));
        return i < 0 ? moveId : moveId.substring(0, i);
    }

    private BucketSet bucketsOf(String shard) {
        List<Integer> mine = new ArrayList<>();
        for (int b = 0; b < owners.length; b++) {
            if (shard.equals(owners[b])) {
                mine.add(b);
            }
        }
        return mine.isEmpty() ? null : new BucketSet(owners.length, mine);
    }

    private BucketSet allBuckets() {
        return new BucketSet(owners.length, IntStream.range(0, owners.length).boxed().toList());
    }

    private List<MovedTable> allTables() {
        List<MovedTable> all = new ArrayList<>(sharded);
        all.addAll(reference);
        return all;
    }

    private List<TableShape> allShapes() {
        List<TableShape> all = new ArrayList<>(shardedShapes);
        all.addAll(referenceShapes);
        return all;
    }

    private List<BucketMove> onlineMoves() {
        List<BucketMove> out = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            BucketSet mine = bucketsOf(shards.get(i).id());
            if (mine != null && !sharded.isEmpty()) {
                out.add(new BucketMove(new BucketMove.Spec(moveId(id, i), monolith, shards.get(i), mine, sharded), placeholder(),
                        options, null));
            }
            if (!reference.isEmpty()) {
                out.add(new BucketMove(new BucketMove.Spec(referenceMoveId(id, i), monolith, shards.get(i), allBuckets(), reference),
                        placeholder(), options, null));
            }
        }
        return out;
    }

    private ImportTopology placeholder() {
        return new ImportTopology(owners.length, monolith, id, allShapes(), Set.of());
    }

    // ------------------------------------------------------------------ recording

    /** Records the import on every shard, then runs it ({@link ReshardingPlan#start}). */
    ReshardingJob start(ReshardingListener listener) {
        record();
        return resume(listener);
    }

    /** Records the import on every shard (phase CREATED) unless it is recorded already. */
    void record() {
        if (online) {
            moves.forEach(BucketMove::record);
            return;
        }
        for (int i = 0; i < shards.size(); i++) {
            ShardDefinition s = shards.get(i);
            try (Connection tgt = PgConnections.open(s)) {
                MoveJobStore.ensureTables(tgt);
                if (MoveJobStore.load(tgt, moveId(id, i)) == null) {
                    BucketSet mine = bucketsOf(s.id());
                    MoveJobStore.insert(tgt, new MoveJobStore.JobRow(moveId(id, i), SOURCE, s.id(), owners.length,
                            mine == null ? "" : mine.toText(), allTables(), "", "", ReshardingPhase.CREATED, 0, "", 0, 0, null));
                }
            } catch (SQLException e) {
                throw new ReshardingException("import " + id + ": recording it on " + PgConnections.describe(s) + " failed: "
                        + e.getMessage(), e);
            }
        }
    }

    // ------------------------------------------------------------------ job

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized ReshardingJob resume(ReshardingListener listener) {
        if (runner.isAlive()) {
            return this;
        }
        this.listener = listener == null ? ReshardingListener.none() : listener;
        stopped = false;
        runner.start("sharding-orm-import-" + id, () -> {
            try {
                if (online) {
                    runOnline();
                } else {
                    runOffline();
                }
            } catch (RuntimeException e) {
                LOG.warn("import {} failed: {}", id, e.getMessage());
                throw e;
            }
        }, () -> { });
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
        running.forEach(BucketMove::stop);
        runner.join(0);
    }

    @Override
    public boolean isDone() {
        for (ReshardingPhase p : recordedPhases()) {
            if (p != ReshardingPhase.COMPLETED) {
                return false;
            }
        }
        return true;
    }

    private List<ReshardingPhase> recordedPhases() {
        List<ReshardingPhase> phases = new ArrayList<>();
        for (String[] m : recordIds()) {
            ShardDefinition s = shard(m[1]);
            try (Connection tgt = PgConnections.open(s)) {
                MoveJobStore.JobRow row = MoveJobStore.tablesExist(tgt) ? MoveJobStore.load(tgt, m[0]) : null;
                phases.add(row == null ? ReshardingPhase.CREATED : row.phase());
            } catch (SQLException e) {
                throw new ReshardingException("import " + id + ": reading its state on " + PgConnections.describe(s) + " failed: "
                        + e.getMessage(), e);
            }
        }
        return phases;
    }

    /** (record id, shard id) of every record of this import. */
    private List<String[]> recordIds() {
        List<String[]> ids = new ArrayList<>();
        if (online) {
            moves.forEach(m -> ids.add(new String[] {m.spec().moveId(), m.spec().target().id()}));
        } else {
            for (int i = 0; i < shards.size(); i++) {
                ids.add(new String[] {moveId(id, i), shards.get(i).id()});
            }
        }
        return ids;
    }

    private ShardDefinition shard(String shardId) {
        return shards.stream().filter(s -> s.id().equals(shardId)).findFirst().orElseThrow();
    }

    @Override
    public List<ReshardingProgress> progress() {
        List<ReshardingProgress> out = new ArrayList<>();
        double seconds = startedNanos == 0 ? 0 : (System.nanoTime() - startedNanos) / 1e9;
        if (online) {
            List<BucketMove> live = running;
            long rows = 0;
            long bytes = 0;
            long est = 0;
            long changes = 0;
            ReshardingPhase least = ReshardingPhase.COMPLETED;
            for (int i = 0; i < moves.size(); i++) {
                ReshardingProgress recorded = live.isEmpty() ? moves.get(i).recordedProgress() : null;
                ReshardingProgress p = !live.isEmpty() ? live.get(i).progress() : recorded != null ? recorded : moves.get(i).progress();
                out.add(p);
                rows += p.rowsCopied();
                bytes += p.bytesCopied();
                est += Math.max(0, p.rowsEstimated());
                changes += p.changesApplied();
                least = p.phase().ordinal() < least.ordinal() ? p.phase() : least;
            }
            out.add(total(least, rows, bytes, est, changes, seconds));
            return out;
        }
        ReshardingPhase phase = offlinePhase == null ? ReshardingPhase.CREATED : offlinePhase;
        long rows = 0;
        long bytes = 0;
        long est = 0;
        for (TableShape t : allShapes()) {
            long[] p = tableProgress.getOrDefault(t.displayName(), new long[6]);
            double own = p[4] == 0 ? 0 : ((p[5] == 0 ? System.nanoTime() : p[5]) - p[4]) / 1e9;
            double rate = own <= 0 ? 0 : p[3] / own;
            long eta = rate <= 0 || p[2] <= 0 ? -1 : (long) Math.max(0, (p[2] - p[0]) / rate);
            out.add(new ReshardingProgress(id + ":" + t.displayName(), SOURCE, "shards", referenceShapes.contains(t) ? "every" : "own",
                    phase, p[0], p[1], p[2], 0, -1, rate, eta));
            rows += p[0];
            bytes += p[1];
            est += p[2];
        }
        out.add(total(phase, rows, bytes, est, 0, seconds));
        return out;
    }

    private ReshardingProgress total(ReshardingPhase phase, long rows, long bytes, long est, long changes, double seconds) {
        double rate = seconds <= 0 ? 0 : rowsReadThisRun > 0 ? rowsReadThisRun / seconds : rows / seconds;
        long eta = rate <= 0 || est <= 0 ? -1 : (long) Math.max(0, (est - rows) / rate);
        return new ReshardingProgress(id, SOURCE, "shards", "all", phase, rows, bytes, est, changes, -1, rate,
                phase.ordinal() > ReshardingPhase.COPYING.ordinal() ? 0 : eta);
    }

    private void report() {
        try {
            List<ReshardingProgress> p = progress();
            listener.onProgress(p.get(p.size() - 1));
        } catch (RuntimeException e) {
            LOG.warn("import {}: the progress listener failed", id, e);
        }
    }

    // ------------------------------------------------------------------ offline

    private void runOffline() {
        ShardDefinition[] defs = shards.toArray(new ShardDefinition[0]);
        Connection[] tgts = new Connection[defs.length];
        int[] route = new int[owners.length];
        for (int b = 0; b < owners.length; b++) {
            route[b] = -2;
            for (int i = 0; i < defs.length; i++) {
                if (defs[i].id().equals(owners[b])) {
                    route[b] = i;
                }
            }
        }
        BucketSet all = allBuckets();
        try (Connection src = PgConnections.open(monolith)) {
            for (int i = 0; i < defs.length; i++) {
                tgts[i] = PgConnections.open(defs[i]);
                PgConnections.trySetReplicaRole(tgts[i], "import " + id);
            }
            List<ReshardingPhase> phases = recordedPhases();
            if (phases.stream().allMatch(p -> p == ReshardingPhase.COMPLETED)) {
                offlinePhase = ReshardingPhase.COMPLETED;
                return;
            }
            if (phases.contains(ReshardingPhase.ROLLED_BACK)) {
                throw new ReshardingException("import " + id + " was rolled back; plan it again");
            }
            for (int i = 0; i < defs.length; i++) {
                MoveJobStore.setPhase(tgts[i], moveId(id, i), ReshardingPhase.COPYING, null);
            }
            offlinePhase = ReshardingPhase.COPYING;
            src.setAutoCommit(false);
            src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            src.setReadOnly(true);
            for (TableShape t : allShapes()) {
                long[] p = tableProgress.computeIfAbsent(t.displayName(), k -> new long[6]);
                p[2] = MoveCatalog.estimateRows(src, List.of(t), all);
            }
            startedNanos = System.nanoTime();
            rowsReadThisRun = 0;
            List<TableShape> order = new ArrayList<>(referenceShapes);
            order.addAll(shardedShapes);
            for (TableShape t : order) {
                boolean everywhere = referenceShapes.contains(t);
                copyTable(src, tgts, defs, t, everywhere ? null : route, all);
                if (stopped) {
                    return;
                }
            }
            offlinePhase = ReshardingPhase.CATCHING_UP;
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < defs.length; i++) {
                tgts[i].setAutoCommit(false);
                tgts[i].setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            // the monolith is read once per table (every bucket), each shard compared with its share
            // (the monolith and the shards scanned at once)
            for (TableShape t : allShapes()) {
                boolean everywhere = referenceShapes.contains(t);
                List<Connection> cs = new ArrayList<>(List.of(src));
                List<BucketSet> sets = new ArrayList<>(List.of(all));
                List<Integer> shardOf = new ArrayList<>();
                for (int i = 0; i < defs.length; i++) {
                    BucketSet mine = everywhere ? all : bucketsOf(defs[i].id());
                    if (mine != null) {
                        cs.add(tgts[i]);
                        sets.add(mine);
                        shardOf.add(i);
                    }
                }
                List<Map<Integer, BucketRows.Digest>> d = BucketRows.digests(cs, t, sets);
                for (int k = 0; k < shardOf.size(); k++) {
                    int i = shardOf.get(k);
                    for (String m : MoveVerifier.compare(src, d.get(0), tgts[i], d.get(k + 1), t, sets.get(k + 1))) {
                        mismatches.add("shard " + defs[i].id() + ", " + m);
                    }
                }
            }
            for (int i = 0; i < defs.length; i++) {
                tgts[i].commit();
                tgts[i].setAutoCommit(true);
            }
            src.commit();
            if (!mismatches.isEmpty()) {
                offlinePhase = ReshardingPhase.COPYING;
                throw new ReshardingVerificationException("import " + id, mismatches);
            }
            for (int i = 0; i < defs.length; i++) {
                MoveJobStore.setPhase(tgts[i], moveId(id, i), ReshardingPhase.COMPLETED, null);
            }
            offlinePhase = ReshardingPhase.COMPLETED;
            report();
            LOG.info("import {}: {} rows copied into {} shards and verified", id, progress().get(allShapes().size()).rowsCopied(), defs.length);
        } catch (ReshardingException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            throw new ReshardingException("import " + id + " failed: " + e.getMessage() + " (plan it again to resume, or roll it back)", e);
        } finally {
            for (Connection c : tgts) {
                close(c);
            }
        }
    }

    private void copyTable(Connection src, Connection[] tgts, ShardDefinition[] defs, TableShape t, int[] route, BucketSet all)
            throws SQLException {
        // p: rows and bytes written, rows estimated, rows read in this run, started and ended (nanos)
        long[] p = tableProgress.computeIfAbsent(t.displayName(), k -> new long[6]);
        p[4] = System.nanoTime();
        p[5] = 0;
        // where each shard stands: the last recorded chunk (0: none) and its upper bound
        int[] lastNo = new int[defs.length];
        List<List<String>> lastUpper = new ArrayList<>();
        boolean[] finished = new boolean[defs.length];
        p[0] = 0;
        p[1] = 0;
        for (int i = 0; i < defs.length; i++) {
            List<MoveJobStore.ChunkRow> chunks = MoveJobStore.chunks(tgts[i], moveId(id, i)).getOrDefault(t.displayName(), List.of());
            MoveJobStore.ChunkRow last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
            lastNo[i] = last == null ? 0 : last.chunkNo();
            lastUpper.add(last == null ? null : last.upper());
            finished[i] = last != null && last.upper() == null;
            for (MoveJobStore.ChunkRow c : chunks) {
                p[0] += c.rows();
                p[1] += c.bytes();
            }
        }
        int from = -1;
        for (int i = 0; i < defs.length; i++) {
            if (!finished[i] && (from < 0 || lastNo[i] < lastNo[from])) {
                from = i;
            }
        }
        if (from < 0) {
            p[5] = p[4];
            return;
        }
        int chunkNo = lastNo[from] + 1;
        List<String> lower = lastUpper.get(from);
        for (int i = 0; i < defs.length; i++) {
            tgts[i].setAutoCommit(false);
        }
        try {
            if (stopped) {
                return;
            }
            ChunkPipeline.TableRun run = new ChunkPipeline.TableRun(t, lower, chunkNo,
                    route == null ? key -> ChunkCopier.EVERY : key -> route[all.bucketOf(key)], n -> {
                        boolean[] to = new boolean[defs.length];
                        for (int i = 0; i < defs.length; i++) {
                            to[i] = !finished[i] && lastNo[i] < n;
                        }
                        return to;
                    });
            ChunkPipeline.copy(src, tgts, List.of(run), options.chunkRows(), "import-" + id, () -> stopped,
                    (r, no, upper, rowsRead, results) -> {
                        boolean any = false;
                        for (int i = 0; i < defs.length; i++) {
                            if (results[i] != null) {
                                MoveJobStore.recordChunk(tgts[i], moveId(id, i), new MoveJobStore.ChunkRow(t.displayName(), no, 1, upper,
                                        results[i].rowsWritten(), results[i].bytesWritten()));
                                tgts[i].commit();
                                p[0] += results[i].rowsWritten();
                                p[1] += results[i].bytesWritten();
                                any = true;
                            }
                        }
                        if (any) {
                            p[3] += rowsRead;
                            rowsReadThisRun += rowsRead;
                        }
                        report();
                        Throttle.pace(startedNanos, rowsReadThisRun, options.rowsPerSecond());
                    });
        } finally {
            p[5] = System.nanoTime();
            for (Connection c : tgts) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        }
    }

    // ------------------------------------------------------------------ online

    private void runOnline() {
        List<ReshardingPhase> phases = recordedPhases();
        if (phases.stream().allMatch(p -> p == ReshardingPhase.COMPLETED)) {
            return;
        }
        if (phases.contains(ReshardingPhase.ROLLED_BACK)) {
            throw new ReshardingException("import " + id + " was rolled back; plan it again");
        }
        Set<String> toFence = new LinkedHashSet<>();
        Set<String> fenced = new LinkedHashSet<>();
        for (int i = 0; i < moves.size(); i++) {
            if (phases.get(i).ordinal() < ReshardingPhase.SWITCHED.ordinal()) {
                toFence.add(moves.get(i).spec().moveId());
            }
            if (phases.get(i) == ReshardingPhase.FENCED) {
                fenced.add(moves.get(i).spec().moveId()); // killed in the switch: resumes at the fence, never asks readyToFence
            }
        }
        ImportTopology topology = new ImportTopology(owners.length, monolith, id, allShapes(), toFence, fenced);
        ReshardingListener l = listener;
        List<BucketMove> runs = new ArrayList<>();
        for (BucketMove m : moves) {
            runs.add(new BucketMove(m.spec(), topology, options, p -> l.onProgress(p)));
        }
        running = runs;
        startedNanos = System.nanoTime();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            BucketMove m = runs.get(i);
            if (!toFence.contains(m.spec().moveId())) {
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    m.run();
                } catch (RuntimeException e) {
                    failures.add(e);
                    runs.forEach(BucketMove::stop);
                }
            }, "sharding-orm-import-" + m.spec().moveId());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                runs.forEach(BucketMove::stop);
                throw new ReshardingException("interrupted while running import " + id, e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = (RuntimeException) failures.get(0);
            try {
                rollback();
            } catch (RuntimeException r) {
                first.addSuppressed(r);
            }
            throw new ReshardingException("import " + id + " failed and was rolled back: " + first.getMessage(), first);
        }
        if (stopped) {
            return;
        }
        List<ReshardingPhase> after = recordedPhases();
        for (ReshardingPhase p : after) {
            if (p != ReshardingPhase.SWITCHED && p != ReshardingPhase.COMPLETED) {
                return;
            }
        }
        topology.release();
        for (BucketMove m : runs) {
            try (Connection tgt = PgConnections.open(m.spec().target())) {
                MoveJobStore.setPhase(tgt, m.spec().moveId(), ReshardingPhase.COMPLETED, null);
            } catch (SQLException e) {
                throw new ReshardingException("import " + id + ": recording its end on " + PgConnections.describe(m.spec().target())
                        + " failed: " + e.getMessage(), e);
            }
        }
        report();
        LOG.info("import {}: online, {} moves switched, the freeze released", id, runs.size());
    }

    // ------------------------------------------------------------------ rollback, complete, verify

    /**
     * Deletes the imported rows from the shards (the shards' buckets of the sharded tables, every
     * row of the reference tables), and online the slots, publications and the freeze. Refused
     * once the import is COMPLETED.
     */
    @Override
    public void rollback() {
        if (!runner.isCurrent()) {
            stop();
        }
        List<ReshardingPhase> phases = recordedPhases();
        if (!phases.isEmpty() && phases.stream().allMatch(p -> p == ReshardingPhase.COMPLETED)) {
            throw new ReshardingException("import " + id + " is COMPLETED; empty the shards' tables to undo it");
        }
        if (online) {
            for (int i = moves.size() - 1; i >= 0; i--) {
                BucketMove m = moves.get(i);
                if (phases.get(i).canRollBack()) {
                    m.rollback();
                } else if (phases.get(i) != ReshardingPhase.ROLLED_BACK) {
                    boolean ref = m.spec().moveId().startsWith(id + "_r");
                    deleteCopies(m.spec().target(), m.spec().moveId(), ref ? referenceShapes : shardedShapes, m.spec().buckets());
                }
            }
            new ImportTopology(owners.length, monolith, id, allShapes(), Set.of()).release();
        } else {
            for (int i = 0; i < shards.size(); i++) {
                ShardDefinition s = shards.get(i);
                BucketSet mine = bucketsOf(s.id());
                if (mine != null) {
                    deleteCopies(s, moveId(id, i), shardedShapes, mine);
                }
                deleteCopies(s, moveId(id, i), referenceShapes, allBuckets());
            }
        }
        LOG.info("import {} rolled back", id);
    }

    private void deleteCopies(ShardDefinition shard, String moveId, List<TableShape> shapes, BucketSet buckets) {
        try (Connection tgt = PgConnections.open(shard)) {
            PgConnections.trySetReplicaRole(tgt, "import " + id);
            List<TableShape> reversed = new ArrayList<>(shapes);
            Collections.reverse(reversed);
            for (TableShape t : reversed) {
                BucketRows.delete(tgt, t, buckets, 1000, 0);
            }
            if (MoveJobStore.tablesExist(tgt)) {
                MoveJobStore.forgetCopy(tgt, moveId);
                MoveJobStore.setPhase(tgt, moveId, ReshardingPhase.ROLLED_BACK, null);
            }
        } catch (SQLException e) {
            throw new ReshardingException("import " + id + ": rolling back on " + PgConnections.describe(shard) + " failed: "
                    + e.getMessage() + " (run it again)", e);
        }
    }

    /** Nothing is deleted from the monolith by an import; drops a freeze left by a crash. */
    @Override
    public void complete() {
        if (online) {
            new ImportTopology(owners.length, monolith, id, allShapes(), Set.of()).release();
        }
    }

    @Override
    public List<String> verify() {
        List<String> mismatches = new ArrayList<>();
        try (Connection src = PgConnections.open(monolith)) {
            for (ShardDefinition s : shards) {
                try (Connection tgt = PgConnections.open(s)) {
                    BucketSet mine = bucketsOf(s.id());
                    List<String> found = new ArrayList<>();
                    if (mine != null) {
                        found.addAll(MoveVerifier.compare(src, tgt, shardedShapes, mine));
                    }
                    found.addAll(MoveVerifier.compare(src, tgt, referenceShapes, allBuckets()));
                    found.forEach(m -> mismatches.add("shard " + s.id() + ", " + m));
                }
            }
        } catch (SQLException e) {
            throw new ReshardingException("import " + id + ": verify failed: " + e.getMessage(), e);
        }
        return mismatches;
    }

    /** The recorded progress of unfinished imports on {@code shards}, one entry per record. */
    static List<ReshardingProgress> unfinished(List<ShardDefinition> shards) {
        List<ReshardingProgress> out = new ArrayList<>();
        for (ShardDefinition s : shards) {
            try (Connection c = PgConnections.open(s)) {
                for (MoveJobStore.JobRow row : MoveJobStore.unfinished(c)) {
                    if (row.source().equals(SOURCE)) {
                        out.add(new ReshardingProgress(row.jobId(), SOURCE, row.target(), row.buckets().isEmpty() ? "-" : row.buckets(),
                                row.phase(), row.rowsCopied(), -1, -1, row.changesApplied(), -1, 0, -1));
                    }
                }
            } catch (SQLException e) {
                throw new ReshardingException("reading the recorded imports on " + PgConnections.describe(s) + " failed: "
                        + e.getMessage(), e);
            }
        }
        return out;
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection failed", e);
            }
        }
    }
}
