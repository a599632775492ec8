package io.github.shardingorm.internal.topology;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and drops the fence trigger on one shard without making its writers wait.
 *
 * <h2>Design note</h2>
 * {@code CREATE [OR REPLACE] TRIGGER} and {@code DROP TRIGGER} take a SHARE ROW EXCLUSIVE lock
 * on the table. It conflicts with the ROW EXCLUSIVE lock every INSERT/UPDATE/DELETE holds until
 * its transaction ends, so the DDL waits for every open writer of the table, and every writer
 * that comes after QUEUES behind the waiting DDL, whatever bucket it writes. Run inside the
 * version's transaction (as it once was) over all sharded tables, the locks were also held until
 * that transaction's commit, table after table: writers of a parent and a collection table
 * deadlocked with it, and every write to the shard paused for the whole publication.
 *
 * <p>Here each table's DDL is its own short transaction with {@code SET LOCAL lock_timeout}
 * (5 ms, growing by 5 ms per attempt up to 50 ms): a writer queues behind it for at most that
 * long, and a DDL that cannot get its lock gives way and tries again after a pause (the
 * {@link #waits()} count). A table that already carries the trigger is left alone (no lock at
 * all), so a shard pays this once per series of moves. Install and drop hold the shard's
 * advisory lock {@link #LOCK_KEY} (a session lock on a separate connection), taken by
 * {@code beginMove} from the install until its version (buckets MOVING) is committed, and by the
 * drop from its check that nothing moves from the shard until the last DROP: a drop can
 * therefore never remove the trigger a starting move relies on. The fence step also checks the
 * trigger is there before it writes fence rows ({@link #requireInstalled}).
 */
final class TriggerDdl implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TriggerDdl.class);

    /** The advisory lock of fence-trigger DDL on a shard. */
    static final long LOCK_KEY = 7363102741955114L;

    /** Lock waits given up (lock_timeout hit), this JVM: each is a DDL that gave way to writers. */
    private static final java.util.concurrent.atomic.AtomicLong WAITS = new java.util.concurrent.atomic.AtomicLong();

    private final String shard;
    private final Connection c;

    private TriggerDdl(String shard, Connection c) {
        this.shard = shard;
        this.c = c;
    }

    /** Takes the shard's trigger lock (waits for another instance's install or drop to finish). */
    static TriggerDdl lock(TopologyStore store, String shard) {
        try {
            Connection c = store.connection(shard);
            try {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
                }
                return new TriggerDdl(shard, c);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("taking the fence-trigger lock on shard '" + shard + "' failed: " + e.getMessage(), e);
        }
    }

    /** The lock waits the trigger DDL gave up so far in this JVM (each retried after a pause). */
    static long waits() {
        return WAITS.get();
    }

    /** Installs the fence function and the trigger on each of {@code tables} that exists and lacks it. */
    void install(List<String> tables) {
        try {
            try (Statement st = c.createStatement()) {
                st.execute(TopologySchema.FENCE_FUNCTION);
            }
            for (String table : tables) {
                if (TopologySchema.tableExists(c, table) && !hasTrigger(c, table)) {
                    ddl(table, "CREATE OR REPLACE TRIGGER " + TopologySchema.TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE ON " + table
                            + " FOR EACH STATEMENT EXECUTE FUNCTION sharding_orm.fence_check()");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("installing the fence trigger on shard '" + shard + "' failed: " + e.getMessage(), e);
        }
    }

    /** Drops the trigger from each of {@code tables} that carries it. */
    void drop(List<String> tables) {
        try {
            for (String table : tables) {
                if (TopologySchema.tableExists(c, table) && hasTrigger(c, table)) {
                    ddl(table, "DROP TRIGGER IF EXISTS " + TopologySchema.TRIGGER + " ON " + table);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("dropping the fence trigger on shard '" + shard + "' failed: " + e.getMessage(), e);
        }
    }

    /** Whether, by the shard's own rows, no bucket moves from it and no fence row is left. */
    boolean nothingMoves() {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM sharding_orm.fence) + (SELECT count(*) FROM"
                     + " sharding_orm.topology_range WHERE state <> 'SERVING' AND move_from = (SELECT shard_id FROM"
                     + " sharding_orm.shard_identity))")) {
            rs.next();
            return rs.getLong(1) == 0;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the moves of shard '" + shard + "' failed: " + e.getMessage(), e);
        }
    }

    /** In the version's transaction: refuses to go on when a table lacks the trigger. */
    static void requireInstalled(Connection c, String shard, List<String> tables) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (String table : tables) {
            if (TopologySchema.tableExists(c, table) && !hasTrigger(c, table)) {
                missing.add(table);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the fence trigger is missing on shard '" + shard + "' from " + missing
                    + " (dropped by a concurrent release?); begin the move again");
        }
    }

    private static boolean hasTrigger(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(?)"
                + " AND tgname = ?)")) {
            ps.setString(1, table);
            ps.setString(2, TopologySchema.TRIGGER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Runs one table's DDL in its own transaction under a short lock_timeout, retrying until the deadline. */
    private void ddl(String table, String sql) throws SQLException {
        ShortLockRetry.run(c, "fence-trigger DDL on " + table, st -> st.execute(sql), () -> {
            WAITS.incrementAndGet();
            LOG.debug("fence-trigger DDL on {} gave way to writers", table);
        });
    }

    @Override
    public void close() {
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
            }
        } catch (SQLException e) {
            LOG.warn("releasing the fence-trigger lock on shard '{}' failed; closing its connection ends it", shard, e);
        } finally {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the fence-trigger connection of shard '{}' failed", shard, e);
            }
        }
    }
}
