package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.internal.topology.ShortLockRetry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a move creates on its source shard, and removes again however it ends: the publication
 * of the moved tables, the logical replication slot, and REPLICA IDENTITY FULL on moved tables
 * whose primary key does not hold the shard key (so deletes and key changes carry the old key).
 * Every method is idempotent, so a resumed or rolled-back move can call them again.
 */
final class SourceObjects {

    /** A slot created with an exported snapshot; {@link #close()} ends the export (and drops a temporary slot). */
    record ExportedSnapshot(Connection replication, String snapshotName, long consistentLsn) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            replication.close();
        }
    }

    private SourceObjects() {
    }

    static void createPublication(Connection source, String publication, List<TableShape> tables) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (Statement st = source.createStatement()) {
            st.execute("CREATE PUBLICATION " + TableShape.quote(publication) + " FOR TABLE "
                    + String.join(", ", tables.stream().map(TableShape::qualified).toList()));
        }
    }

    /**
     * Drops the publication while holding a SHARE lock on its tables. Without the lock, a write
     * running at the same moment could fail with "cache lookup failed for publication" (XX000):
     * PostgreSQL's executor looks up the publications of a table it writes to (replica identity
     * check) without locking them (CollectionMoveIT's writers met it during a rollback). The lock
     * waits for the tables' open writers and makes new ones wait, so it is taken the way the fence
     * trigger's DDL is ({@link ShortLockRetry}): a writer queues behind it for at most 50 ms.
     */
    static void dropPublication(Connection source, String publication) throws SQLException {
        if (!source.getAutoCommit()) { // inside the caller's transaction: no commit or retry of its work here
            try (Statement st = source.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS " + TableShape.quote(publication));
            }
            return;
        }
        ShortLockRetry.run(source, "dropping publication " + publication, st -> {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT format('%I.%I', schemaname, tablename) FROM pg_publication_tables"
                    + " WHERE pubname = " + TableShape.literal(publication))) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            if (!tables.isEmpty()) {
                st.execute("LOCK TABLE " + String.join(", ", tables) + " IN SHARE MODE");
            }
            st.execute("DROP PUBLICATION IF EXISTS " + TableShape.quote(publication));
        }, () -> { });
    }

    /** The tables whose primary key lacks the shard key and whose replica identity is DEFAULT. */
    static List<String> needingFullIdentity(Connection source, List<TableShape> tables) throws SQLException {
        List<String> names = new ArrayList<>();
        for (TableShape t : tables) {
            if (!t.keyInPk() && identity(source, t) == 'd') {
                names.add(t.displayName());
            }
        }
        return names;
    }

    /** Sets REPLICA IDENTITY FULL on the named tables, so deletes and key changes carry the old key. */
    static void widenIdentity(Connection source, List<TableShape> tables, List<String> names) throws SQLException {
        for (TableShape t : tables) {
            if (names.contains(t.displayName())) {
                try (Statement st = source.createStatement()) {
                    st.execute("ALTER TABLE " + t.qualified() + " REPLICA IDENTITY FULL");
                }
            }
        }
    }

    /**
     * Sets the replica identity of the tables named in {@code changed} back to DEFAULT. ALTER TABLE
     * takes an ACCESS EXCLUSIVE lock (reads wait too): without a lock timeout it queued behind
     * a long transaction on the table, and every writer and reader of the table queued behind it,
     * so each table is altered the way the fence trigger's DDL is ({@link ShortLockRetry}: its own
     * transaction under a 5-50 ms lock_timeout, giving way and retrying), one table at a time.
     */
    static void restoreIdentity(Connection source, List<TableShape> tables, String changed) throws SQLException {
        if (changed == null || changed.isBlank()) {
            return;
        }
        List<String> names = List.of(changed.split(","));
        for (TableShape t : tables) {
            if (names.contains(t.displayName())) {
                String sql = "ALTER TABLE " + t.qualified() + " REPLICA IDENTITY DEFAULT";
                if (!source.getAutoCommit()) { // inside the caller's transaction: no commit or retry of its work here
                    try (Statement st = source.createStatement()) {
                        st.execute(sql);
                    }
                } else {
                    ShortLockRetry.run(source, "restoring the replica identity of " + t.displayName(), st -> st.execute(sql), () -> { });
                }
            }
        }
    }

    static char identity(Connection source, TableShape t) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT relreplident FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, t.qualified());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1).charAt(0);
            }
        }
    }

    /**
     * Creates the logical slot (pgoutput) and keeps its exported snapshot alive until the
     * returned handle is closed; {@code temporary} slots vanish with that connection.
     */
    static ExportedSnapshot createSlot(ShardDefinition source, String slot, boolean temporary) throws SQLException {
        Connection replication = PgConnections.openReplication(source);
        try (Statement st = replication.createStatement();
             ResultSet rs = st.executeQuery("CREATE_REPLICATION_SLOT " + slot + (temporary ? " TEMPORARY" : "")
                     + " LOGICAL pgoutput (SNAPSHOT 'export')")) {
            rs.next();
            long lsn = org.postgresql.replication.LogSequenceNumber.valueOf(rs.getString("consistent_point")).asLong();
            return new ExportedSnapshot(replication, rs.getString("snapshot_name"), lsn);
        } catch (SQLException e) {
            replication.close();
            throw new SQLException("creating replication slot " + slot + " on " + PgConnections.describe(source) + " failed: "
                    + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** Ends a session still holding the slot (a killed mover's walsender lingers a moment). */
    static void releaseSlot(Connection source, String slot) throws SQLException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (PreparedStatement ps = source.prepareStatement(
                    "SELECT active_pid, pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while releasing slot " + slot, e);
            }
        }
        throw new SQLException("replication slot " + slot + " stays active; another mover may be running this move");
    }

    static boolean slotExists(Connection source, String slot) throws SQLException {
        try (PreparedStatement ps = source.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void dropSlot(Connection source, String slot) throws SQLException {
        if (!slotExists(source, slot)) {
            return;
        }
        releaseSlot(source, slot);
        try (PreparedStatement ps = source.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            ps.executeQuery().close();
        }
    }

    /** The source's current WAL position. */
    static long currentLsn(Connection source) throws SQLException {
        try (Statement st = source.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return org.postgresql.replication.LogSequenceNumber.valueOf(rs.getString(1)).asLong();
        }
    }

    /**
     * Writes a lag probe into the source's WAL (not transactional: decoded where it is written) and
     * flushes the WAL up to it ({@code source} must be in autocommit mode).
     *
     * <p>Why the flush: a walsender decodes only flushed WAL, and a non-transactional message is
     * never flushed by its own statement, whatever {@code synchronous_commit} says: its transaction
     * has no xid, so it commits without a commit record, asynchronously (PostgreSQL 15: measured
     * with psql, {@code pg_current_wal_flush_lsn()} was still below the message's LSN right after
     * it, above it 300 ms later). The probe then came back only after the WAL writer's next round
     * ({@code wal_writer_delay}, 200 ms by default) or another session's synchronous commit, so
     * each lag measurement read up to 200 ms too high. Here the message goes in a transaction
     * that takes an xid ({@code txid_current()}) and commits with {@code synchronous_commit = on}:
     * its commit record, after the message, is flushed at once (one WAL flush per probe; the
     * catch-up sends at most one probe at a time, see {@link CatchUpStream#catchUp}).
     */
    static void emitProbe(Connection source, String probe) throws SQLException {
        emitSynchronously(source,
                "SET LOCAL synchronous_commit = on; SELECT pg_logical_emit_message(false, ?, ?), txid_current()",
                CatchUpStream.PROBE_PREFIX, probe);
    }

    /**
     * Emits the switch marker into the source's WAL, after every write to the fenced buckets, in
     * its own transaction committed with {@code synchronous_commit = on} ({@code source} must be in
     * autocommit mode).
     *
     * <p>Why synchronous: a logical walsender decodes only WAL that is flushed to disk. With
     * {@code synchronous_commit = off} on the source (a common setting, and the tests'), the
     * marker's commit is flushed only by the WAL writer's next round ({@code wal_writer_delay},
     * 200 ms by default), and the fenced buckets' writers waited for it: in OrmReshardingIT the
     * changes up to the marker took 420-480 ms to arrive for 15-27 changes. A synchronous commit
     * flushes the WAL up to the marker and wakes the walsender at once.
     */
    static void emitMarker(Connection source, String marker) throws SQLException {
        emitSynchronously(source, "SET LOCAL synchronous_commit = on; SELECT pg_logical_emit_message(true, ?, ?)",
                CatchUpStream.MARKER_PREFIX, marker);
    }

    /** Runs {@code sql} (a SET LOCAL and a message: one round trip for both) in its own transaction, then commits. */
    private static void emitSynchronously(Connection source, String sql, String prefix, String message) throws SQLException {
        source.setAutoCommit(false);
        try {
            try (PreparedStatement ps = source.prepareStatement(sql)) {
                ps.setString(1, prefix);
                ps.setString(2, message);
                ps.execute();
            }
            source.commit();
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            throw e;
        } finally {
            source.setAutoCommit(true);
        }
    }
}
