package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.resharding.ReshardingPhase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable state of moves, kept on the TARGET shard: the copy of a chunk and the change
 * batches are written there, and recording their completion (the chunk row, the applied LSN) in
 * the same target transaction is what makes a resume after kill -9 exact: a chunk is either
 * copied and recorded or neither, and a change batch is either applied with its LSN or neither.
 *
 * <p>The tables ({@code shorm_reshard_job}, {@code shorm_reshard_chunk}, {@code shorm_reshard_epoch})
 * are created by the first move, never at start-up: an application that never reshards never
 * sees them.
 */
final class MoveJobStore {

    /** One stored move. */
    record JobRow(String jobId, String source, String target, int bucketCount, String buckets, List<MovedTable> tables,
                  String slot, String publication, ReshardingPhase phase, long appliedLsn, String identityChanged,
                  long rowsCopied, long changesApplied, String message) {
    }

    /** One copied chunk: its table, number, the epoch (snapshot) it came from, its upper bound (null: the last). */
    record ChunkRow(String table, int chunkNo, int epoch, List<String> upper, long rows, long bytes) {
    }

    private MoveJobStore() {
    }

    static void ensureTables(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS shorm_reshard_job (job_id text PRIMARY KEY, source_shard text NOT NULL,"
                    + " target_shard text NOT NULL, bucket_count int NOT NULL, buckets text NOT NULL, tables text NOT NULL,"
                    + " slot_name text NOT NULL, publication text NOT NULL, phase text NOT NULL, applied_lsn bigint NOT NULL DEFAULT 0,"
                    + " identity_changed text NOT NULL DEFAULT '', rows_copied bigint NOT NULL DEFAULT 0,"
                    + " changes_applied bigint NOT NULL DEFAULT 0, message text, created_at timestamptz NOT NULL DEFAULT now(),"
                    + " updated_at timestamptz NOT NULL DEFAULT now())");
            st.execute("CREATE TABLE IF NOT EXISTS shorm_reshard_chunk (job_id text NOT NULL, table_name text NOT NULL,"
                    + " chunk_no int NOT NULL, epoch int NOT NULL, upper_bound text[], rows bigint NOT NULL, bytes bigint NOT NULL,"
                    + " PRIMARY KEY (job_id, table_name, chunk_no))");
            st.execute("CREATE TABLE IF NOT EXISTS shorm_reshard_epoch (job_id text NOT NULL, epoch int NOT NULL,"
                    + " snapshot_lsn bigint NOT NULL, PRIMARY KEY (job_id, epoch))");
        }
    }

    static boolean tablesExist(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('shorm_reshard_job') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static void insert(Connection c, JobRow job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shorm_reshard_job (job_id, source_shard, target_shard,"
                + " bucket_count, buckets, tables, slot_name, publication, phase) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, job.jobId());
            ps.setString(2, job.source());
            ps.setString(3, job.target());
            ps.setInt(4, job.bucketCount());
            ps.setString(5, job.buckets());
            ps.setString(6, String.join("\n", job.tables().stream().map(MovedTable::toText).toList()));
            ps.setString(7, job.slot());
            ps.setString(8, job.publication());
            ps.setString(9, job.phase().name());
            ps.executeUpdate();
        }
    }

    static JobRow load(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT job_id, source_shard, target_shard, bucket_count, buckets, tables,"
                + " slot_name, publication, phase, applied_lsn, identity_changed, rows_copied, changes_applied, message"
                + " FROM shorm_reshard_job WHERE job_id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    /** Every move not yet COMPLETED or ROLLED_BACK stored on this shard. */
    static List<JobRow> unfinished(Connection c) throws SQLException {
        List<JobRow> rows = new ArrayList<>();
        if (!tablesExist(c)) {
            return rows;
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT job_id, source_shard, target_shard, bucket_count, buckets, tables,"
                     + " slot_name, publication, phase, applied_lsn, identity_changed, rows_copied, changes_applied, message"
                     + " FROM shorm_reshard_job WHERE phase NOT IN ('COMPLETED', 'ROLLED_BACK') ORDER BY created_at")) {
            while (rs.next()) {
                rows.add(row(rs));
            }
        }
        return rows;
    }

    private static JobRow row(ResultSet rs) throws SQLException {
        List<MovedTable> tables = Arrays.stream(rs.getString(6).split("\n")).filter(s -> !s.isBlank()).map(MovedTable::parse).toList();
        return new JobRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5), tables,
                rs.getString(7), rs.getString(8), ReshardingPhase.valueOf(rs.getString(9)), rs.getLong(10), rs.getString(11),
                rs.getLong(12), rs.getLong(13), rs.getString(14));
    }

    static void setPhase(Connection c, String jobId, ReshardingPhase phase, String message) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE shorm_reshard_job SET phase = ?, message = ?, updated_at = now() WHERE job_id = ?")) {
            ps.setString(1, phase.name());
            ps.setString(2, message);
            ps.setString(3, jobId);
            ps.executeUpdate();
        }
    }

    static void setIdentityChanged(Connection c, String jobId, String tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE shorm_reshard_job SET identity_changed = ?, updated_at = now() WHERE job_id = ?")) {
            ps.setString(1, tables);
            ps.setString(2, jobId);
            ps.executeUpdate();
        }
    }

    /** Records a copied chunk; call in the transaction that copied it. */
    static void recordChunk(Connection c, String jobId, ChunkRow chunk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shorm_reshard_chunk (job_id, table_name, chunk_no, epoch,"
                + " upper_bound, rows, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement job = c.prepareStatement("UPDATE shorm_reshard_job SET rows_copied = rows_copied + ?,"
                     + " updated_at = now() WHERE job_id = ?")) {
            ps.setString(1, jobId);
            ps.setString(2, chunk.table());
            ps.setInt(3, chunk.chunkNo());
            ps.setInt(4, chunk.epoch());
            Array upper = chunk.upper() == null ? null : c.createArrayOf("text", chunk.upper().toArray());
            ps.setArray(5, upper);
            ps.setLong(6, chunk.rows());
            ps.setLong(7, chunk.bytes());
            ps.executeUpdate();
            job.setLong(1, chunk.rows());
            job.setString(2, jobId);
            job.executeUpdate();
        }
    }

    /** The copied chunks per table, in chunk order. */
    static Map<String, List<ChunkRow>> chunks(Connection c, String jobId) throws SQLException {
        Map<String, List<ChunkRow>> byTable = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, chunk_no, epoch, upper_bound, rows, bytes"
                + " FROM shorm_reshard_chunk WHERE job_id = ? ORDER BY table_name, chunk_no")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array a = rs.getArray(4);
                    List<String> upper = a == null ? null : Arrays.asList((String[]) a.getArray());
                    byTable.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new ChunkRow(rs.getString(1), rs.getInt(2), rs.getInt(3), upper, rs.getLong(5), rs.getLong(6)));
                }
            }
        }
        return byTable;
    }

    static void recordEpoch(Connection c, String jobId, int epoch, long snapshotLsn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shorm_reshard_epoch (job_id, epoch, snapshot_lsn)"
                + " VALUES (?, ?, ?)")) {
            ps.setString(1, jobId);
            ps.setInt(2, epoch);
            ps.setLong(3, snapshotLsn);
            ps.executeUpdate();
        }
    }

    /** Snapshot LSN per epoch, epochs ascending. */
    static List<long[]> epochs(Connection c, String jobId) throws SQLException {
        List<long[]> epochs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT epoch, snapshot_lsn FROM shorm_reshard_epoch WHERE job_id = ? ORDER BY epoch")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    epochs.add(new long[] {rs.getInt(1), rs.getLong(2)});
                }
            }
        }
        return epochs;
    }

    /** The SQL that records the applied LSN; appended to each change batch (same transaction). */
    static String appliedSql(String jobId, long lsn, long changes) {
        return "UPDATE shorm_reshard_job SET applied_lsn = GREATEST(applied_lsn, " + lsn + "), changes_applied = changes_applied + "
                + changes + ", updated_at = now() WHERE job_id = " + TableShape.literal(jobId);
    }

    /** Forgets the chunks and epochs of a job (after a rollback, or when it starts over). */
    static void forgetCopy(Connection c, String jobId) throws SQLException {
        try (PreparedStatement a = c.prepareStatement("DELETE FROM shorm_reshard_chunk WHERE job_id = ?");
             PreparedStatement b = c.prepareStatement("DELETE FROM shorm_reshard_epoch WHERE job_id = ?")) {
            a.setString(1, jobId);
            a.executeUpdate();
            b.setString(1, jobId);
            b.executeUpdate();
        }
    }
}
