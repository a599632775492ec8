package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.internal.health.Failures;
import io.github.shardingorm.internal.jdbc.ConnectionFailures;
import io.github.shardingorm.internal.jdbc.ReadContext;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.jdbc.ShardUnavailableSqlException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

/**
 * Opens sessions on one shard and runs work in them: a transaction that commits, or rolls back
 * on any exception; the thread's shard binding always cleared in {@code finally}; failures to
 * reach the shard turned into {@link ShardUnavailableException} naming it, with the driver's
 * exception kept as the cause.
 *
 * <p>Health: work that needs the primary is refused before a session is opened while the
 * shard's breaker is open (no network, well under a millisecond); a connection failure of
 * read-write work counts against the shard. Read-your-writes: after a read-write transaction
 * of a shard with replicas commits, one round trip reads the primary's WAL position (at or past
 * the commit record) into the thread's consistency token.
 */
public final class ShardSessions {

    private final SessionFactory sessionFactory;
    private final ShardPools pools;

    /** Sessions without health or replicas (unit tests of the query planner). */
    public ShardSessions(SessionFactory sessionFactory) {
        this(sessionFactory, null);
    }

    public ShardSessions(SessionFactory sessionFactory, ShardPools pools) {
        this.sessionFactory = sessionFactory;
        this.pools = pools;
    }

    public <R> R fromTransaction(String shard, boolean readOnly, Function<Session, R> work) {
        boolean replicas = pools != null && pools.hasReplicas(shard);
        if (pools != null && (!readOnly || !replicas)) {
            ShardUnavailableSqlException refused = pools.refusalIfOpen(shard);
            if (refused != null) {
                throw refused.toApi("", null);
            }
        }
        try (ShardTenantResolver.Binding binding = ShardTenantResolver.bind(shard);
             Session session = open(shard, readOnly)) {
            Transaction tx = session.beginTransaction();
            R result;
            try {
                result = work.apply(session);
                tx.commit();
            } catch (RuntimeException | Error e) {
                rollbackQuietly(tx, e);
                throw e;
            }
            if (!readOnly && replicas) {
                ReadContext.recordWrite(shard, session.doReturningWork(ShardSessions::currentWalLsn));
            }
            return result;
        } catch (RuntimeException e) {
            throw translate(shard, readOnly, e);
        }
    }

    /** Read-only work with a per-call read-from and lag limit (null / negative: the configured default). */
    public <R> R fromReadOnlyTransaction(String shard, ReadFrom readFrom, long maxLagMillis, Function<Session, R> work) {
        try (ReadContext.Scope scope = ReadContext.with(readFrom, maxLagMillis)) {
            return fromTransaction(shard, true, work);
        }
    }

    public <R> R fromSession(String shard, Function<Session, R> work) {
        if (pools != null) {
            ShardUnavailableSqlException refused = pools.refusalIfOpen(shard);
            if (refused != null) {
                throw refused.toApi("", null);
            }
        }
        try (ShardTenantResolver.Binding binding = ShardTenantResolver.bind(shard);
             Session session = open(shard, false)) {
            return work.apply(session);
        } catch (RuntimeException e) {
            throw translate(shard, false, e);
        }
    }

    /** The id of an entity instance (null when it has none yet), without opening a session. */
    public Object identifierOf(Object entity) {
        return sessionFactory.getPersistenceUnitUtil().getIdentifier(entity);
    }

    private Session open(String shard, boolean readOnly) {
        Session session = sessionFactory.withOptions().tenantIdentifier((Object) shard).readOnly(readOnly).openSession();
        if (readOnly) {
            session.setDefaultReadOnly(true);
        }
        return session;
    }

    /** In auto-commit, so that it costs one round trip and leaves no transaction open. */
    private static long currentWalLsn(java.sql.Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static void rollbackQuietly(Transaction tx, Throwable failure) {
        try {
            if (tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    /** {@link #translate(String, RuntimeException)}, counting a connection failure of read-write work against the shard. */
    private RuntimeException translate(String shard, boolean readOnly, RuntimeException e) {
        RuntimeException translated = translate(shard, e);
        if (pools != null && !readOnly && translated != e && translated instanceof ShardUnavailableException
                && !hasCause(e, ShardUnavailableSqlException.class)) {
            pools.recordFailure(shard, e);
        }
        return translated;
    }

    /**
     * Turns a failure to reach {@code shard} into {@link ShardUnavailableException}; returns
     * every other exception unchanged.
     */
    public static RuntimeException translate(String shard, RuntimeException e) {
        if (e instanceof ShardUnavailableException) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShardUnavailableSqlException u) {
                return u.toApi("", e);
            }
            if (t instanceof SQLException sql && ConnectionFailures.isConnectionFailure(sql)) {
                return new ShardUnavailableException(shard, Failures.classify(e), null, null, "shard '" + shard
                        + "' is unavailable: the connection failed (" + sql.getMessage() + " [SQLState " + sql.getSQLState() + "])", e);
            }
        }
        return e;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
