package io.github.shardingorm.internal.jdbc;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.ShardingException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Plain JDBC on one shard's pool, for the write logs: a short transaction that commits, or one
 * statement in auto-commit (needed by {@code COMMIT PREPARED}). SQL failures become
 * {@link ShardingException} (or {@link ShardUnavailableException}) naming the shard, SQLState kept.
 */
public final class ShardJdbc {

    /** JDBC work that may throw SQLException. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Connection connection) throws SQLException;
    }

    private final ShardPools pools;

    public ShardJdbc(ShardPools pools) {
        this.pools = pools;
    }

    public <R> R fromTransaction(String shard, String what, Work<R> work) {
        try (Connection c = pools.connection(shard)) {
            try {
                R result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw failure(shard, what, e);
        }
    }

    public <R> R autoCommit(String shard, String what, Work<R> work) {
        try (Connection c = pools.connection(shard)) {
            c.setAutoCommit(true);
            try {
                return work.run(c);
            } finally {
                c.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw failure(shard, what, e);
        }
    }

    /** Whether the shard has replicas: then a committed write records its position for read-your-writes. */
    public boolean hasReplicas(String shard) {
        return pools != null && pools.hasReplicas(shard);
    }

    /**
     * The primary's WAL write position, as a number: at or past the commit record of every
     * transaction this connection committed. Run in auto-commit (one round trip, nothing left open).
     */
    public static long currentWalLsn(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            c.setAutoCommit(true);
        }
        try (java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        } finally {
            if (!autoCommit) {
                c.setAutoCommit(false);
            }
        }
    }

    static ShardingException failure(String shard, String what, SQLException e) {
        ShardingException fenced = FenceErrors.find(shard, e);
        if (fenced != null) {
            return fenced;
        }
        if (e instanceof ShardUnavailableSqlException u) {
            return u.toApi(what + ": ", null);
        }
        String state = e.getSQLState();
        String message = what + " failed on shard '" + shard + "': " + e.getMessage() + " [SQLState " + state + "]";
        if (ConnectionFailures.isConnectionFailure(e)) {
            return new ShardUnavailableException(shard, io.github.shardingorm.internal.health.Failures.classify(e), null, null, message, e);
        }
        return new ShardingException(message, e);
    }
}
