package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.config.ShardDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the moves of an online import see instead of the stored topology: the monolith owns
 * every bucket until the import ends (the shard map does not change, the shards are filled in),
 * and the "fence" is a write freeze on the monolith's imported tables.
 *
 * <h2>Design note: the freeze</h2>
 * A statement-level trigger {@code BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE} on every imported
 * table that raises SQLSTATE 25006 (read_only_sql_transaction), enabled ALWAYS (so it fires for
 * replica-role sessions too), created for all tables in ONE transaction. Why a trigger:
 * <ul>
 *   <li>{@code CREATE TRIGGER} takes a SHARE ROW EXCLUSIVE lock, which waits for every open
 *       transaction that has written the table; so once it commits, every write the monolith will
 *       ever accept for these tables is committed, and the marker emitted after it follows them in
 *       the WAL. That is exactly the fence's promise.</li>
 *   <li>It refuses at once with a clear message for every role, owner and superuser included
 *       ({@code REVOKE} binds neither), and readers are untouched.</li>
 *   <li>A held {@code LOCK TABLE} would make writers wait instead of fail, and write to the
 *       monolith after the switch when it is released (lost for the shards).</li>
 * </ul>
 * The freeze lasts from the first move's fence until the last move has applied up to its marker,
 * and is dropped on success, failure and rollback ({@code DROP FUNCTION ... CASCADE} removes the
 * triggers with it). The moves fence only once all of them are caught up
 * ({@link #readyToFence}), so the freeze covers the last changes of each, not a copy.
 */
final class ImportTopology implements MoveTopology {

    private static final Logger LOG = LoggerFactory.getLogger(ImportTopology.class);

    /** The name of the freeze trigger on every imported table. */
    static final String TRIGGER = "shorm_import_freeze";

    private final int bucketCount;
    private final ShardDefinition monolith;
    private final String jobId;
    private final List<TableShape> tables;
    private final Set<String> toFence;
    private final Set<String> ready = new HashSet<>();

    /**
     * @param toFence the ids of the moves that still have to fence in this run
     */
    ImportTopology(int bucketCount, ShardDefinition monolith, String jobId, List<TableShape> tables, Set<String> toFence) {
        this(bucketCount, monolith, jobId, tables, toFence, Set.of());
    }

    /**
     * @param fenced the moves of {@code toFence} recorded FENCED (a resumed switch): they go straight
     *               to the fence (the freeze) and never ask {@link #readyToFence}, so they count as ready;
     *               the others catch up under the freeze and then fence too
     */
    ImportTopology(int bucketCount, ShardDefinition monolith, String jobId, List<TableShape> tables, Set<String> toFence,
                   Set<String> fenced) {
        this.bucketCount = bucketCount;
        this.monolith = monolith;
        this.jobId = jobId;
        this.tables = List.copyOf(tables);
        this.toFence = Set.copyOf(toFence);
        this.ready.addAll(fenced);
    }

    static String function(String jobId) {
        return "shorm_import_freeze_" + jobId;
    }

    @Override
    public String ownerOf(int bucket) {
        return MonolithImport.SOURCE_ID;
    }

    @Override
    public int bucketCount() {
        return bucketCount;
    }

    @Override
    public boolean isMoving(int bucket) {
        return false;
    }

    @Override
    public void beginMove(Set<Integer> buckets, String from, String to) {
        // the map does not change during an import
    }

    @Override
    public synchronized boolean readyToFence(String moveId) {
        ready.add(moveId);
        boolean all = ready.containsAll(toFence);
        if (!all) {
            try {
                wait(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return all;
    }

    private long frozenAtNanos;

    @Override
    public synchronized void fence(Set<Integer> buckets) {
        if (frozenAtNanos != 0) {
            return;
        }
        try (Connection c = PgConnections.open(monolith)) {
            freeze(c, jobId, tables);
            frozenAtNanos = System.nanoTime();
        } catch (SQLException e) {
            throw new IllegalStateException("freezing writes to the imported tables on the monolith failed: " + e.getMessage(), e);
        }
    }

    private int completed;

    /** The last move to apply up to its marker releases the freeze (the others have switched by then, or will). */
    @Override
    public synchronized void completeMove(Set<Integer> buckets) {
        if (++completed >= toFence.size()) {
            release();
        }
    }

    @Override
    public synchronized void abortMove(Set<Integer> buckets) {
        release();
    }

    /** Drops the freeze (idempotent). */
    synchronized void release() {
        try (Connection c = PgConnections.open(monolith)) {
            unfreeze(c, jobId, tables);
            if (frozenAtNanos != 0) {
                LOG.info("import {}: the write freeze on the monolith released after {} ms", jobId,
                        (System.nanoTime() - frozenAtNanos) / 1_000_000);
                frozenAtNanos = 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("dropping the write freeze on the monolith failed: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the freeze trigger on every table that lacks it, in one transaction. The transaction
     * runs with a short {@code lock_timeout} and is retried when it gives way: it takes a table lock
     * per table, one after the other, and a writer that holds one table (a collection row deleted
     * before its owner) and waits for another the freeze already locked would otherwise deadlock
     * with it, and the deadlock detector would abort the WRITER's transaction (it waited longer).
     */
    static void freeze(Connection c, String jobId, List<TableShape> tables) throws SQLException {
        long deadline = System.currentTimeMillis() + 60_000;
        for (int attempt = 1; ; attempt++) {
            try {
                freezeOnce(c, jobId, tables, Math.min(200, 20 * attempt));
                return;
            } catch (SQLException e) {
                boolean gaveWay = "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
                if (!gaveWay || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                LOG.debug("import {}: the freeze gave way to the monolith's writers (attempt {}): {}", jobId, attempt, e.getMessage());
                try {
                    Thread.sleep(Math.min(200, 10L * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while freezing the monolith", ie);
                }
            }
        }
    }

    private static void freezeOnce(Connection c, String jobId, List<TableShape> tables, int lockTimeoutMillis) throws SQLException {
        String schema = TableShape.quote(tables.get(0).schema());
        String fn = schema + "." + TableShape.quote(function(jobId));
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '" + lockTimeoutMillis + "ms'");
            st.execute("CREATE OR REPLACE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN"
                    + " RAISE EXCEPTION 'table %.% is frozen: sharding-orm import " + jobId + " is switching it to the shards',"
                    + " TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = '25006'; END $f$");
            for (TableShape t : tables) {
                if (!hasTrigger(c, t)) {
                    st.execute("CREATE TRIGGER " + TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON " + t.qualified()
                            + " FOR EACH STATEMENT EXECUTE FUNCTION " + fn + "()");
                    st.execute("ALTER TABLE " + t.qualified() + " ENABLE ALWAYS TRIGGER " + TRIGGER);
                }
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        LOG.info("import {}: writes to {} tables on the monolith frozen", jobId, tables.size());
    }

    /** Drops the freeze function and with it every trigger calling it. */
    static void unfreeze(Connection c, String jobId, List<TableShape> tables) throws SQLException {
        if (tables.isEmpty()) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP FUNCTION IF EXISTS " + TableShape.quote(tables.get(0).schema()) + "." + TableShape.quote(function(jobId))
                    + "() CASCADE");
        }
    }

    private static boolean hasTrigger(Connection c, TableShape t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ?")) {
            ps.setString(1, t.qualified());
            ps.setString(2, TRIGGER);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
