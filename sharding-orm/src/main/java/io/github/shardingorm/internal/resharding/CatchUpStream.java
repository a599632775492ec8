package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.config.ShardDefinition;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Streams the move's slot (pgoutput) and applies the kept changes to the target in batches.
 *
 * <h2>Design note</h2>
 * Changes arrive whole transactions at a time, in commit order. A transaction's kept changes are
 * buffered until its Commit; complete transactions are gathered into a batch that is applied in
 * ONE target transaction together with the commit LSN of its last transaction
 * ({@code shorm_reshard_job.applied_lsn}). Only after that commit is the LSN acknowledged to the
 * source (automatic flushing of pgjdbc is off), so the slot never forgets a change the target has
 * not durably applied, and after a kill -9 the stream restarts at the recorded LSN and skips every
 * transaction whose commit LSN is not beyond it: nothing is applied twice, nothing is lost.
 * Statements of a batch are sent as one JDBC batch (pipelined, one round trip) in commit order.
 */
final class CatchUpStream implements AutoCloseable {

    /** The prefix of the marker messages the mover emits on the source at the switch. */
    static final String MARKER_PREFIX = "shorm_reshard";

    /** The prefix of the lag probes (non-transactional messages) of the catch-up. */
    static final String PROBE_PREFIX = "shorm_reshard_probe";

    /** 2000-01-01 (PostgreSQL's epoch) in Unix microseconds. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private final String jobId;
    private final Connection replication;
    private final PGReplicationStream stream;
    private final Connection target;
    private final ChangeApplier applier;
    private final int batchChanges;
    private final List<ChangeApplier.Op> batch = new ArrayList<>();
    private final List<ChangeApplier.Op> tx = new ArrayList<>();
    private long applied;
    private long batchCommitLsn;
    private long batchEndLsn;
    private long batchKept;
    private long txCommitLsn;
    private boolean txSkipped;
    private boolean txHasMarker;
    private String markerSeen;
    private long changesApplied;
    private long lastFlushNanos = System.nanoTime();
    private long lastCommitMicros;

    CatchUpStream(String jobId, ShardDefinition source, String slot, String publication, long appliedLsn, Connection target,
                  ChangeApplier applier, int batchChanges) throws SQLException {
        this.jobId = jobId;
        this.target = target;
        this.applier = applier;
        this.batchChanges = batchChanges;
        this.applied = appliedLsn;
        this.replication = PgConnections.openReplication(source);
        try {
            this.stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot)
                    .withStartPosition(appliedLsn == 0 ? LogSequenceNumber.INVALID_LSN : LogSequenceNumber.valueOf(appliedLsn))
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", publication)
                    .withSlotOption("messages", "true")
                    .withStatusInterval(1, java.util.concurrent.TimeUnit.SECONDS)
                    .withAutomaticFlush(false)
                    .start();
        } catch (SQLException e) {
            replication.close();
            throw e;
        }
    }

    long appliedLsn() {
        return applied;
    }

    long changesApplied() {
        return changesApplied;
    }

    /**
     * Reads and applies until caught up, or until {@code stop} says so; returns whether it is.
     *
     * <p>Caught up means: a probe (a non-transactional logical message) written into the source's
     * WAL came back through the stream, everything before it is applied, and either the round trip
     * took at most {@code maxLagMillis} or at most {@value #SMALL_BACKLOG} kept changes came ahead of it. Decoding delivers every transaction that committed before the probe ahead of it, so
     * this measures the real lag, however big a transaction is and whatever other databases of the
     * server write; "nothing arrived for a while" would be fooled by a large transaction still
     * being decoded, and cut over with a backlog behind the fence.
     */
    boolean catchUp(long maxLagMillis, Connection source, BooleanSupplier stop) throws SQLException {
        while (!stop.getAsBoolean()) {
            if (probeOut == null && (probes == 0 || System.nanoTime() - probeSentNanos >= MIN_PROBE_INTERVAL_NANOS)) {
                probeOut = jobId + ":" + (++probes);
                probeSentNanos = System.nanoTime();
                keptAtProbe = keptTotal;
                SourceObjects.emitProbe(source, probeOut);
            }
            ByteBuffer msg = next();
            if (msg == null) {
                if (batchCommitLsn > applied) {
                    flush();
                }
                sleep(1);
                continue;
            }
            handle(msg);
            if (probeBack) {
                probeBack = false;
                probeOut = null;
                flush();
                if (System.nanoTime() - probeSentNanos <= maxLagMillis * 1_000_000L || keptTotal - keptAtProbe <= SMALL_BACKLOG) {
                    return true;
                }
            }
        }
        return false;
    }

    private String probeOut;
    private boolean probeBack;
    private long probeSentNanos;
    private long probes;
    private long keptAtProbe;
    private long keptTotal;

    /**
     * The least time from one probe to the next: each probe costs the source a WAL flush (see
     * {@link SourceObjects#emitProbe}), and a caller that keeps catching up (an import waiting for
     * its other moves) would otherwise send one per round trip.
     */
    private static final long MIN_PROBE_INTERVAL_NANOS = 20_000_000L;

    /** A backlog this small behind a probe is applied within one batch, however slow the round trip. */
    private static final long SMALL_BACKLOG = 200;

    /** Commit time (Unix microseconds) of the last transaction received. */
    long lastCommitMicros() {
        return lastCommitMicros;
    }

    /** Reads and applies until the transaction carrying the marker {@code marker} is applied. */
    void applyUntilMarker(String marker, long timeoutMillis, BooleanSupplier stop) throws SQLException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!marker.equals(markerSeen)) {
            if (stop.getAsBoolean()) {
                throw new SQLException("move " + jobId + " stopped while waiting for its switch marker");
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException("move " + jobId + ": the switch marker " + marker + " did not arrive within "
                        + timeoutMillis + " ms", "57014");
            }
            ByteBuffer msg = next();
            if (msg == null) {
                sleep(1);
                continue;
            }
            handle(msg);
        }
    }

    /**
     * Applies every transaction that committed before {@code lsn} and none after: stops at the
     * first transaction committing at or after it (kept for later). The caller must make sure one
     * such transaction comes (it emits a marker after taking {@code lsn}).
     */
    void applyUntilLsn(long lsn, long timeoutMillis, BooleanSupplier stop) throws SQLException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            if (stop.getAsBoolean()) {
                throw new SQLException("move " + jobId + " stopped while applying up to its verification point");
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException("move " + jobId + ": changes up to the verification point "
                        + LogSequenceNumber.valueOf(lsn) + " did not arrive within " + timeoutMillis + " ms", "57014");
            }
            ByteBuffer msg = next();
            if (msg == null) {
                sleep(1);
                continue;
            }
            if (msg.get(msg.position()) == 'B' && msg.getLong(msg.position() + 1) >= lsn) {
                ByteBuffer copy = ByteBuffer.allocate(msg.remaining());
                copy.put(msg.duplicate());
                copy.flip();
                pushedBack = copy;
                if (batchCommitLsn > applied || !batch.isEmpty()) {
                    flush();
                }
                return;
            }
            handle(msg);
        }
    }

    private ByteBuffer pushedBack;

    private ByteBuffer next() throws SQLException {
        if (pushedBack != null) {
            ByteBuffer b = pushedBack;
            pushedBack = null;
            return b;
        }
        return stream.readPending();
    }

    private void handle(ByteBuffer msg) throws SQLException {
        PgOutput.Message m = PgOutput.decode(msg);
        if (m instanceof PgOutput.Begin b) {
            tx.clear();
            txCommitLsn = b.finalLsn();
            txSkipped = b.finalLsn() <= applied;
            txHasMarker = false;
            lastCommitMicros = b.commitMicros() + PG_EPOCH_MICROS;
        } else if (m instanceof PgOutput.Commit c) {
            if (!txSkipped) {
                batch.addAll(tx);
                batchKept += tx.size();
                batchCommitLsn = Math.max(batchCommitLsn, c.commitLsn());
                batchEndLsn = Math.max(batchEndLsn, c.endLsn());
            }
            tx.clear();
            if (txHasMarker || batch.size() >= batchChanges
                    || (!batch.isEmpty() && System.nanoTime() - lastFlushNanos > 200_000_000L)) {
                flush();
            }
        } else if (m instanceof PgOutput.Relation r) {
            applier.relation(r);
        } else if (m instanceof PgOutput.LogicalMessage lm) {
            if (!lm.transactional()) {
                if (PROBE_PREFIX.equals(lm.prefix()) && lm.content().equals(probeOut)) {
                    probeBack = true;
                }
            } else if (MARKER_PREFIX.equals(lm.prefix()) && !txSkipped) {
                txHasMarker = true;
                pendingMarker = lm.content();
            }
        } else if (!txSkipped) {
            keptTotal += applier.apply(m, txCommitLsn, tx);
        }
    }

    private String pendingMarker;

    private void flush() throws SQLException {
        if (batchCommitLsn <= applied && batch.isEmpty()) {
            return;
        }
        try (Statement st = target.createStatement()) {
            for (String sql : ChangeApplier.statements(batch)) {
                st.addBatch(sql);
            }
            st.addBatch(MoveJobStore.appliedSql(jobId, batchCommitLsn, batchKept));
            st.executeBatch();
            target.commit();
        } catch (SQLException e) {
            try {
                target.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            throw new SQLException("move " + jobId + ": applying " + batch.size() + " changes up to LSN "
                    + LogSequenceNumber.valueOf(batchCommitLsn) + " on the target failed: " + e.getMessage(), e.getSQLState(), e);
        }
        applied = batchCommitLsn;
        changesApplied += batchKept;
        batch.clear();
        batchKept = 0;
        LogSequenceNumber ack = LogSequenceNumber.valueOf(batchEndLsn);
        stream.setFlushedLSN(ack);
        stream.setAppliedLSN(ack);
        stream.forceUpdateStatus();
        lastFlushNanos = System.nanoTime();
        if (pendingMarker != null) {
            markerSeen = pendingMarker;
            pendingMarker = null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            stream.close();
        } finally {
            replication.close();
        }
    }
}
