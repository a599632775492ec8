package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.resharding.ReshardingException;
import io.github.shardingorm.resharding.ReshardingListener;
import io.github.shardingorm.resharding.ReshardingPhase;
import io.github.shardingorm.resharding.ReshardingProgress;
import io.github.shardingorm.resharding.ReshardingRefusedException;
import io.github.shardingorm.resharding.ReshardingVerificationException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One move: a set of buckets, with the rows of every co-located table, from one shard to
 * another, while the application keeps writing.
 *
 * <h2>Design note</h2>
 * The steps, each recorded on the target before the next begins (see {@link ReshardingPhase}):
 * <ol>
 *   <li>CREATED: preconditions checked (nothing exists yet), the publication of the moved tables,
 *       {@code beginMove} in the topology, and a logical slot whose exported snapshot is the copy's
 *       starting point: every change after it is kept by the slot.</li>
 *   <li>COPYING: chunk after chunk ({@link ChunkCopier}) in that snapshot; each chunk and its record
 *       in one target transaction. A resumed copy takes a new snapshot from a temporary slot and goes
 *       on from the next chunk ({@link CopyEpochs} says which old changes the newer rows still need).</li>
 *   <li>CATCHING_UP: the slot's changes of the moving buckets applied ({@link CatchUpStream}) until
 *       caught up; then verified at one exact point without pausing anyone (a source snapshot at
 *       LSN V from a temporary slot, the target applied to exactly V, per-bucket counts and
 *       checksums compared), and caught up again.</li>
 *   <li>FENCED: {@code fence} (writes to the buckets refused on the source, older writers finished),
 *       a marker emitted into the source's WAL, changes applied up to the marker: the target now has
 *       every write the source ever accepted for these buckets. Then {@code completeMove}: the map
 *       points to the target.</li>
 *   <li>SWITCHED: slot and publication dropped; COMPLETED once the moved rows are deleted from the
 *       source (chunked, throttled).</li>
 * </ol>
 * Rollback, at any step before SWITCHED: {@code abortMove}, slot and publication dropped, the
 * target's copies deleted. Only the writes of the moving buckets pause, from {@code fence} to
 * {@code completeMove}: the marker's round trip plus the last batch.
 */
public final class BucketMove {

    private static final Logger LOG = LoggerFactory.getLogger(BucketMove.class);

    /** What to move. */
    public record Spec(String moveId, ShardDefinition source, ShardDefinition target, BucketSet buckets, List<MovedTable> tables) {
        public Spec {
            Objects.requireNonNull(moveId, "moveId");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(buckets, "buckets");
            tables = List.copyOf(tables);
        }

        String slot() {
            return "shorm_mv_" + moveId;
        }

        String publication() {
            return "shorm_mv_" + moveId;
        }

        String describe() {
            return "move " + moveId + " of " + buckets + " from " + source.id() + " to " + target.id();
        }
    }

    private final Spec spec;
    private final MoveTopology topology;
    private final MoveOptions options;
    private final ReshardingListener listener;
    private volatile boolean stopRequested;
    private volatile ReshardingPhase phase;
    private long rowsCopied;
    private long bytesCopied;
    private long changesApplied;
    private long rowsEstimated = -1;
    private long copyStartedNanos;
    private long rowsCopiedThisRun;
    private long lagBytes = -1;
    private int markerCounter;
    // the final stage's steps, for its log line
    private long fenceNanos;
    private long fencedNanos;
    private long markerNanos;
    private long appliedNanos;
    private long finalChanges;

    public BucketMove(Spec spec, MoveTopology topology, MoveOptions options, ReshardingListener listener) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.topology = Objects.requireNonNull(topology, "topology");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = listener == null ? ReshardingListener.none() : listener;
    }

    public Spec spec() {
        return spec;
    }

    /** Asks a running {@link #run()} to return at the next safe point (the move stays resumable). */
    public void stop() {
        stopRequested = true;
    }

    // ------------------------------------------------------------------ preconditions

    /** Every reason the move cannot start; empty when it can. Opens connections, creates nothing. */
    public List<String> check() {
        return MovePreconditions.check(spec, topology);
    }

    // ------------------------------------------------------------------ run

    /**
     * Starts the move, or resumes it from its recorded phase, and runs it to SWITCHED (COMPLETED
     * when the options delete the source rows at once); returns earlier when {@link #stop()} is
     * called. Safe to call again after a crash of any step.
     *
     * @throws ReshardingRefusedException when a new move's preconditions fail (nothing was created)
     * @throws ReshardingVerificationException when verification at the switch fails (then rolled back)
     * @throws ReshardingException when a step fails; the move stays resumable or can be rolled back
     */
    public ReshardingPhase run() {
        try (Connection tgt = PgConnections.open(spec.target()); Connection src = PgConnections.open(spec.source())) {
            MoveJobStore.JobRow job = MoveJobStore.tablesExist(tgt) ? MoveJobStore.load(tgt, spec.moveId()) : null;
            if (job == null) {
                List<String> problems = check();
                if (!problems.isEmpty()) {
                    throw new ReshardingRefusedException(spec.describe(), problems);
                }
                MoveJobStore.ensureTables(tgt);
                MoveJobStore.insert(tgt, new MoveJobStore.JobRow(spec.moveId(), spec.source().id(), spec.target().id(),
                        spec.buckets().bucketCount(), spec.buckets().toText(), spec.tables(), spec.slot(), spec.publication(),
                        ReshardingPhase.CREATED, 0, "", 0, 0, null));
                job = MoveJobStore.load(tgt, spec.moveId());
            } else {
                checkSameJob(job);
            }
            rowsCopied = job.rowsCopied();
            changesApplied = job.changesApplied();
            phase = job.phase();
            List<TableShape> shapes = shapes(src);
            rowsEstimated = MoveCatalog.estimateRows(src, shapes, spec.buckets());
            report();
            PgConnections.trySetReplicaRole(tgt, spec.describe());
            if (phase == ReshardingPhase.CREATED) {
                prepare(src, tgt, shapes);
            }
            if (phase == ReshardingPhase.COPYING && !stopRequested) {
                try (SourceObjects.ExportedSnapshot snapshot = SourceObjects.createSlot(spec.source(),
                        spec.slot() + "_r" + System.currentTimeMillis() % 100000, true)) {
                    int epoch = MoveJobStore.epochs(tgt, spec.moveId()).size() + 1;
                    MoveJobStore.recordEpoch(tgt, spec.moveId(), epoch, snapshot.consistentLsn());
                    copy(src, tgt, shapes, snapshot, epoch);
                }
            }
            if (phase == ReshardingPhase.CATCHING_UP || phase == ReshardingPhase.FENCED) {
                catchUpAndSwitch(src, tgt, shapes);
            }
            if (phase == ReshardingPhase.SWITCHED) {
                dropSourceObjects(src, shapes, MoveJobStore.load(tgt, spec.moveId()).identityChanged());
                if (options.deleteSourceRows() && !stopRequested) {
                    deleteSourceRows(src, tgt, shapes);
                }
            }
            report();
            return phase;
        } catch (ReshardingException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            throw new ReshardingException(spec.describe() + " failed in phase " + phase + ": " + e.getMessage()
                    + " (run it again to resume, or roll it back)", e);
        }
    }

    private void checkSameJob(MoveJobStore.JobRow job) {
        if (!job.source().equals(spec.source().id()) || !job.target().equals(spec.target().id())
                || !job.buckets().equals(spec.buckets().toText()) || job.bucketCount() != spec.buckets().bucketCount()
                || !job.tables().equals(spec.tables())) {
            throw new ReshardingRefusedException(spec.describe(), List.of("a different move with id " + spec.moveId()
                    + " is recorded on " + spec.target().id() + ": buckets " + job.buckets() + " from " + job.source()
                    + " to " + job.target() + ", tables " + job.tables()));
        }
    }

    private List<TableShape> shapes(Connection src) throws SQLException {
        List<String> problems = new ArrayList<>();
        List<TableShape> shapes = new ArrayList<>();
        for (MovedTable t : spec.tables()) {
            TableShape s = MoveCatalog.shape(src, spec.source().id(), t, problems);
            if (s != null) {
                shapes.add(s);
            }
        }
        if (!problems.isEmpty()) {
            throw new ReshardingException(spec.describe() + ": the source tables changed: " + problems);
        }
        return shapes;
    }

    private void prepare(Connection src, Connection tgt, List<TableShape> shapes) throws SQLException {
        List<String> widen = SourceObjects.needingFullIdentity(src, shapes);
        if (!widen.isEmpty()) {
            String recorded = MoveJobStore.load(tgt, spec.moveId()).identityChanged();
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
            if (!recorded.isBlank()) {
                all.addAll(List.of(recorded.split(",")));
            }
            all.addAll(widen);
            MoveJobStore.setIdentityChanged(tgt, spec.moveId(), String.join(",", all));
            SourceObjects.widenIdentity(src, shapes, widen);
        }
        SourceObjects.createPublication(src, spec.publication(), shapes);
        topology.beginMove(spec.buckets().buckets(), spec.source().id(), spec.target().id());
        SourceObjects.dropSlot(src, spec.slot());
        for (TableShape t : reversed(shapes)) {
            long stale = BucketRows.delete(tgt, t, spec.buckets(), 1000, 0);
            if (stale > 0) {
                LOG.warn("{}: deleted {} stale rows of the moving buckets from {} on the target before copying",
                        spec.describe(), stale, t.displayName());
            }
        }
        try (SourceObjects.ExportedSnapshot snapshot = SourceObjects.createSlot(spec.source(), spec.slot(), false)) {
            tgt.setAutoCommit(false);
            MoveJobStore.forgetCopy(tgt, spec.moveId());
            MoveJobStore.recordEpoch(tgt, spec.moveId(), 1, snapshot.consistentLsn());
            MoveJobStore.setPhase(tgt, spec.moveId(), ReshardingPhase.COPYING, null);
            tgt.commit();
            tgt.setAutoCommit(true);
            phase = ReshardingPhase.COPYING;
            report();
            copy(src, tgt, shapes, snapshot, 1);
        }
    }

    private void copy(Connection src, Connection tgt, List<TableShape> shapes, SourceObjects.ExportedSnapshot snapshot,
                      int epoch) throws SQLException {
        src.setAutoCommit(false);
        src.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement st = src.createStatement()) {
            st.execute("SET TRANSACTION SNAPSHOT " + TableShape.literal(snapshot.snapshotName()));
        }
        snapshot.close();
        copyStartedNanos = System.nanoTime();
        rowsCopiedThisRun = 0;
        Map<String, List<MoveJobStore.ChunkRow>> done = MoveJobStore.chunks(tgt, spec.moveId());
        tgt.setAutoCommit(false);
        try {
            if (stopRequested) {
                return;
            }
            List<ChunkPipeline.TableRun> runs = new ArrayList<>();
            boolean[] theTarget = {true};
            for (TableShape t : shapes) {
                List<MoveJobStore.ChunkRow> chunks = done.getOrDefault(t.displayName(), List.of());
                MoveJobStore.ChunkRow last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
                if (last == null || last.upper() != null) {
                    runs.add(new ChunkPipeline.TableRun(t, last == null ? null : last.upper(), last == null ? 1 : last.chunkNo() + 1,
                            key -> spec.buckets().containsKey(key) ? 0 : ChunkCopier.DROP, n -> theTarget));
                }
            }
            boolean finished = ChunkPipeline.copy(src, new Connection[] {tgt}, runs, options.chunkRows(), spec.moveId(),
                    () -> stopRequested, (run, chunkNo, upper, rowsRead, results) -> {
                        MoveJobStore.recordChunk(tgt, spec.moveId(), new MoveJobStore.ChunkRow(run.table().displayName(), chunkNo,
                                epoch, upper, results[0].rowsWritten(), results[0].bytesWritten()));
                        tgt.commit();
                        rowsCopied += results[0].rowsWritten();
                        rowsCopiedThisRun += rowsRead;
                        bytesCopied += results[0].bytesWritten();
                        report();
                        Throttle.pace(copyStartedNanos, rowsCopiedThisRun, options.rowsPerSecond());
                    });
            if (!finished) {
                return;
            }
            MoveJobStore.setPhase(tgt, spec.moveId(), ReshardingPhase.CATCHING_UP, null);
            tgt.commit();
            phase = ReshardingPhase.CATCHING_UP;
        } finally {
            if (!tgt.getAutoCommit()) {
                tgt.rollback();
                tgt.setAutoCommit(true);
            }
            src.commit();
            src.setAutoCommit(true);
            src.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        LOG.info("{}: copied {} rows ({} KiB) in epoch {}", spec.describe(), rowsCopied, bytesCopied / 1024, epoch);
        report();
    }

    private void catchUpAndSwitch(Connection src, Connection tgt, List<TableShape> shapes) throws SQLException {
        if (phase == ReshardingPhase.FENCED && switchedInTopology()) {
            setPhase(tgt, ReshardingPhase.SWITCHED);
            return;
        }
        MoveJobStore.JobRow job = MoveJobStore.load(tgt, spec.moveId());
        CopyEpochs epochs = new CopyEpochs(MoveJobStore.epochs(tgt, spec.moveId()), MoveJobStore.chunks(tgt, spec.moveId()));
        ChangeApplier applier = new ChangeApplier(spec.buckets(), shapes, epochs, ChangeApplier.onShards(tgt, src));
        SourceObjects.releaseSlot(src, spec.slot());
        tgt.setAutoCommit(false);
        try (CatchUpStream stream = new CatchUpStream(spec.moveId(), spec.source(), spec.slot(), spec.publication(),
                job.appliedLsn(), tgt, applier, options.batchChanges())) {
            if (phase == ReshardingPhase.CATCHING_UP) {
                while (!stream.catchUp(options.caughtUpMillis(), src, () -> stopRequested)) {
                    if (stopRequested) {
                        changesApplied = job.changesApplied() + stream.changesApplied();
                        return;
                    }
                }
                if (options.verifyBeforeSwitch()) {
                    verifyAtAPoint(stream, src, tgt, shapes);
                    while (!stream.catchUp(options.caughtUpMillis(), src, () -> stopRequested)) {
                        if (stopRequested) {
                            return;
                        }
                    }
                }
                while (!topology.readyToFence(spec.moveId())) {
                    if (stopRequested) {
                        changesApplied = job.changesApplied() + stream.changesApplied();
                        return;
                    }
                    stream.catchUp(options.caughtUpMillis(), src, () -> stopRequested);
                    changesApplied = job.changesApplied() + stream.changesApplied();
                    report();
                }
                changesApplied = job.changesApplied() + stream.changesApplied();
                lagBytes = Math.max(0, SourceObjects.currentLsn(src) - stream.appliedLsn());
                report();
                if (stopRequested) {
                    return;
                }
                setPhase(tgt, ReshardingPhase.FENCED);
            }
            long fenceStarted = System.nanoTime();
            topology.fence(spec.buckets().buckets());
            fencedNanos = System.nanoTime();
            String marker = spec.moveId() + ":" + System.currentTimeMillis() + ":" + (++markerCounter);
            SourceObjects.emitMarker(src, marker);
            markerNanos = System.nanoTime();
            long changesBefore = stream.changesApplied();
            try {
                stream.applyUntilMarker(marker, options.markerTimeoutMillis(), () -> stopRequested);
                appliedNanos = System.nanoTime();
                finalChanges = stream.changesApplied() - changesBefore;
                fenceNanos = fencedNanos - fenceStarted;
            } catch (SQLException e) {
                LOG.warn("{}: the switch did not complete ({}); releasing the fence, back to catching up", spec.describe(), e.getMessage());
                topology.abortMove(spec.buckets().buckets());
                topology.beginMove(spec.buckets().buckets(), spec.source().id(), spec.target().id());
                tgt.rollback();
                setPhase(tgt, ReshardingPhase.CATCHING_UP);
                throw e;
            }
            changesApplied = job.changesApplied() + stream.changesApplied();
            lagBytes = 0;
        } finally {
            if (!tgt.getAutoCommit()) {
                tgt.rollback();
                tgt.setAutoCommit(true);
            }
        }
        topology.completeMove(spec.buckets().buckets());
        long switched = System.nanoTime();
        setPhase(tgt, ReshardingPhase.SWITCHED);
        LOG.info("{}: switched; {} changes applied; final stage {} ms: fence published and older transactions ended {} ms,"
                + " marker emitted {} ms, changes up to the marker applied {} ms ({} changes), switch published {} ms",
                spec.describe(), changesApplied, millis(switched - fencedNanos + fenceNanos), millis(fenceNanos),
                millis(markerNanos - fencedNanos), millis(appliedNanos - markerNanos), finalChanges, millis(switched - appliedNanos));
    }

    /**
     * Verification at one exact point without pausing any writer: a snapshot of the source at
     * LSN V (a temporary slot's), the target brought to exactly V (every transaction committed
     * before V applied, none after), then both compared per bucket. A mismatch rolls the move back.
     */
    private void verifyAtAPoint(CatchUpStream stream, Connection src, Connection tgt, List<TableShape> shapes) throws SQLException {
        List<String> mismatches;
        try (Connection at = PgConnections.open(spec.source())) {
            try (SourceObjects.ExportedSnapshot snapshot = SourceObjects.createSlot(spec.source(),
                    spec.slot() + "_v" + System.currentTimeMillis() % 100000, true)) {
                at.setAutoCommit(false);
                at.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement st = at.createStatement()) {
                    st.execute("SET TRANSACTION SNAPSHOT " + TableShape.literal(snapshot.snapshotName()));
                }
                snapshot.close();
                SourceObjects.emitMarker(src, "verify:" + spec.moveId());
                stream.applyUntilLsn(snapshot.consistentLsn(), options.markerTimeoutMillis(), () -> stopRequested);
            }
            mismatches = MoveVerifier.compare(at, tgt, shapes, spec.buckets());
            at.commit();
            tgt.commit();
        }
        if (!mismatches.isEmpty()) {
            rollback();
            throw new ReshardingVerificationException(spec.describe(), mismatches);
        }
        LOG.info("{}: verified, source and target equal per bucket", spec.describe());
    }

    private void dropSourceObjects(Connection src, List<TableShape> shapes, String identityChanged) throws SQLException {
        SourceObjects.dropSlot(src, spec.slot());
        SourceObjects.dropPublication(src, spec.publication());
        SourceObjects.restoreIdentity(src, shapes, identityChanged);
    }

    private void deleteSourceRows(Connection src, Connection tgt, List<TableShape> shapes) throws SQLException {
        PgConnections.trySetReplicaRole(src, spec.describe());
        topology.prepareSourceSession(src);
        for (TableShape t : reversed(shapes)) {
            BucketRows.delete(src, t, spec.buckets(), 1000, options.rowsPerSecond());
        }
        topology.released(spec.buckets().buckets());
        setPhase(tgt, ReshardingPhase.COMPLETED);
    }

    // ------------------------------------------------------------------ complete, rollback, verify

    /** Deletes the moved rows from the source of a SWITCHED move; COMPLETED after. */
    public void complete() {
        try (Connection tgt = PgConnections.open(spec.target()); Connection src = PgConnections.open(spec.source())) {
            MoveJobStore.JobRow job = requireJob(tgt);
            phase = job.phase();
            if (phase == ReshardingPhase.COMPLETED) {
                return;
            }
            if (phase != ReshardingPhase.SWITCHED) {
                throw new ReshardingException(spec.describe() + " is " + phase + "; only a SWITCHED move can be completed");
            }
            List<TableShape> shapes = shapes(src);
            dropSourceObjects(src, shapes, job.identityChanged());
            deleteSourceRows(src, tgt, shapes);
            report();
        } catch (SQLException e) {
            throw new ReshardingException(spec.describe() + ": completing failed: " + e.getMessage(), e);
        }
    }

    /**
     * Gives the buckets back to the source: abortMove, slot and publication dropped, the target's
     * copies deleted. Allowed before SWITCHED; idempotent. Stop a running {@link #run()} first.
     */
    public void rollback() {
        try (Connection tgt = PgConnections.open(spec.target()); Connection src = PgConnections.open(spec.source())) {
            MoveJobStore.JobRow job = MoveJobStore.tablesExist(tgt) ? MoveJobStore.load(tgt, spec.moveId()) : null;
            if (job == null) {
                topology.abortMove(spec.buckets().buckets());
                return;
            }
            phase = job.phase();
            if (phase == ReshardingPhase.ROLLED_BACK) {
                return;
            }
            if (phase.canRollBack() && switchedInTopology()) {
                setPhase(tgt, ReshardingPhase.SWITCHED);
            }
            if (!phase.canRollBack()) {
                throw new ReshardingException(spec.describe() + " is " + phase + ": the buckets already belong to "
                        + spec.target().id() + "; move them back with a new move instead");
            }
            List<TableShape> shapes = shapes(src);
            topology.abortMove(spec.buckets().buckets());
            dropSourceObjects(src, shapes, job.identityChanged());
            PgConnections.trySetReplicaRole(tgt, spec.describe());
            for (TableShape t : reversed(shapes)) {
                BucketRows.delete(tgt, t, spec.buckets(), 1000, 0);
            }
            MoveJobStore.forgetCopy(tgt, spec.moveId());
            setPhase(tgt, ReshardingPhase.ROLLED_BACK);
            LOG.info("{}: rolled back from {}", spec.describe(), job.phase());
        } catch (SQLException e) {
            throw new ReshardingException(spec.describe() + ": rollback failed: " + e.getMessage() + " (run it again)", e);
        }
    }

    /** Per-bucket counts and checksums, source against target; a list of mismatches (empty: equal). */
    public List<String> verify() {
        try (Connection tgt = PgConnections.open(spec.target()); Connection src = PgConnections.open(spec.source())) {
            return MoveVerifier.compare(src, tgt, shapes(src), spec.buckets());
        } catch (SQLException e) {
            throw new ReshardingException(spec.describe() + ": verify failed: " + e.getMessage(), e);
        }
    }

    /** Rows and bytes of the moving buckets, estimated from the source's catalog statistics. */
    public long[] estimate() {
        try (Connection src = PgConnections.open(spec.source())) {
            List<TableShape> shapes = shapes(src);
            return new long[] {MoveCatalog.estimateRows(src, shapes, spec.buckets()), MoveCatalog.estimateBytes(src, shapes, spec.buckets())};
        } catch (SQLException e) {
            throw new ReshardingException(spec.describe() + ": estimating its size failed: " + e.getMessage(), e);
        }
    }

    /** Records the move (phase CREATED) on its target if it is not recorded yet, so a restart finds it. */
    public void record() {
        try (Connection tgt = PgConnections.open(spec.target())) {
            MoveJobStore.ensureTables(tgt);
            if (MoveJobStore.load(tgt, spec.moveId()) == null) {
                MoveJobStore.insert(tgt, new MoveJobStore.JobRow(spec.moveId(), spec.source().id(), spec.target().id(),
                        spec.buckets().bucketCount(), spec.buckets().toText(), spec.tables(), spec.slot(), spec.publication(),
                        ReshardingPhase.CREATED, 0, "", 0, 0, null));
            }
        } catch (SQLException e) {
            throw new ReshardingException(spec.describe() + ": recording it failed: " + e.getMessage(), e);
        }
    }

    public MoveOptions options() {
        return options;
    }

    /** The recorded phase, or null when the move was never started. */
    public ReshardingPhase recordedPhase() {
        try (Connection tgt = PgConnections.open(spec.target())) {
            MoveJobStore.JobRow job = MoveJobStore.tablesExist(tgt) ? MoveJobStore.load(tgt, spec.moveId()) : null;
            return job == null ? null : job.phase();
        } catch (SQLException e) {
            throw new ReshardingException(spec.describe() + ": reading its state failed: " + e.getMessage(), e);
        }
    }

    /** Progress as recorded on the target (for a move this instance is not running), or null when never started. */
    public ReshardingProgress recordedProgress() {
        try (Connection tgt = PgConnections.open(spec.target())) {
            MoveJobStore.JobRow job = MoveJobStore.tablesExist(tgt) ? MoveJobStore.load(tgt, spec.moveId()) : null;
            if (job == null) {
                return null;
            }
            return new ReshardingProgress(spec.moveId(), spec.source().id(), spec.target().id(), spec.buckets().toText(), job.phase(),
                    job.rowsCopied(), -1, -1, job.changesApplied(), -1, 0, -1);
        } catch (SQLException e) {
            throw new ReshardingException(spec.describe() + ": reading its state failed: " + e.getMessage(), e);
        }
    }

    /** The latest progress of this instance (phase as last seen). */
    public ReshardingProgress progress() {
        double seconds = copyStartedNanos == 0 ? 0 : (System.nanoTime() - copyStartedNanos) / 1e9;
        double rate = seconds <= 0 ? 0 : rowsCopiedThisRun / seconds;
        long eta = rowsEstimated < 0 || rate <= 0 ? -1 : (long) Math.max(0, (rowsEstimated - rowsCopied) / rate);
        return new ReshardingProgress(spec.moveId(), spec.source().id(), spec.target().id(), spec.buckets().toText(),
                phase == null ? ReshardingPhase.CREATED : phase, rowsCopied, bytesCopied, rowsEstimated, changesApplied,
                lagBytes, rate, phase != null && phase.ordinal() > ReshardingPhase.COPYING.ordinal() ? 0 : eta);
    }

    private MoveJobStore.JobRow requireJob(Connection tgt) throws SQLException {
        MoveJobStore.JobRow job = MoveJobStore.tablesExist(tgt) ? MoveJobStore.load(tgt, spec.moveId()) : null;
        if (job == null) {
            throw new ReshardingException(spec.describe() + " was never started");
        }
        return job;
    }

    private void setPhase(Connection tgt, ReshardingPhase next) throws SQLException {
        boolean auto = tgt.getAutoCommit();
        tgt.setAutoCommit(true);
        MoveJobStore.setPhase(tgt, spec.moveId(), next, null);
        tgt.setAutoCommit(auto);
        phase = next;
        report();
    }

    private void report() {
        try {
            listener.onProgress(progress());
        } catch (RuntimeException e) {
            LOG.warn("{}: the progress listener failed", spec.describe(), e);
        }
    }

    /** Whether the topology already points every moving bucket to the target (a crash after completeMove). */
    private boolean switchedInTopology() {
        for (int b : spec.buckets().buckets()) {
            if (!spec.target().id().equals(topology.ownerOf(b))) {
                return false;
            }
        }
        return true;
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static List<TableShape> reversed(List<TableShape> shapes) {
        List<TableShape> r = new ArrayList<>(shapes);
        java.util.Collections.reverse(r);
        return r;
    }
}
