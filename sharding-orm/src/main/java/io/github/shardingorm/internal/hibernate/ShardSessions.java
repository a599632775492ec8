package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.internal.jdbc.ConnectionFailures;
import io.github.shardingorm.internal.jdbc.ShardUnavailableSqlException;
import java.sql.SQLException;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

/**
 * Opens sessions on one shard and runs work in them: a transaction that commits, or rolls back
 * on any exception; the thread's shard binding always cleared in {@code finally}; failures to
 * reach the shard turned into {@link ShardUnavailableException} naming it, with the driver's
 * exception kept as the cause.
 */
public final class ShardSessions {

    private final SessionFactory sessionFactory;

    public ShardSessions(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    public <R> R fromTransaction(String shard, boolean readOnly, Function<Session, R> work) {
        try (ShardTenantResolver.Binding binding = ShardTenantResolver.bind(shard);
             ShardTenantResolver.Binding transactional = ShardConnectionProvider.transactionalReads();
             Session session = open(shard, readOnly)) {
            Transaction tx = session.beginTransaction();
            try {
                R result = work.apply(session);
                tx.commit();
                return result;
            } catch (RuntimeException | Error e) {
                rollbackQuietly(tx, e);
                throw e;
            }
        } catch (RuntimeException e) {
            throw translate(shard, e);
        }
    }

    /**
     * A keyed read the way plain Hibernate reads outside a transaction: a read-only session on an
     * auto-commit connection, so that the read costs its statements and no {@code BEGIN}/{@code
     * COMMIT} round trip (a read-only transaction's COMMIT was ~40 % of a point read). Each
     * statement sees its own snapshot; work that needs one snapshot for several statements uses
     * {@link #fromTransaction} with {@code readOnly}.
     */
    public <R> R fromReadOnlySession(String shard, Function<Session, R> work) {
        try (ShardTenantResolver.Binding binding = ShardTenantResolver.bind(shard);
             ShardTenantResolver.Binding autoCommit = ShardConnectionProvider.autoCommitReads();
             Session session = open(shard, true)) {
            return work.apply(session);
        } catch (RuntimeException e) {
            throw translate(shard, e);
        }
    }

    public <R> R fromSession(String shard, Function<Session, R> work) {
        try (ShardTenantResolver.Binding binding = ShardTenantResolver.bind(shard);
             Session session = open(shard, false)) {
            return work.apply(session);
        } catch (RuntimeException e) {
            throw translate(shard, e);
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

    private static void rollbackQuietly(Transaction tx, Throwable failure) {
        try {
            if (tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    /**
     * Turns a failure to reach {@code shard} into {@link ShardUnavailableException}; returns
     * every other exception unchanged.
     */
    public static RuntimeException translate(String shard, RuntimeException e) {
        if (e instanceof ShardUnavailableException || e instanceof io.github.shardingorm.ShardTopologyChangedException) {
            return e;
        }
        RuntimeException fenced = io.github.shardingorm.internal.jdbc.FenceErrors.find(shard, e);
        if (fenced != null) {
            return fenced;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShardUnavailableSqlException u) {
                return new ShardUnavailableException(u.shardId(), u.getMessage(), e);
            }
            if (t instanceof SQLException sql && ConnectionFailures.isConnectionFailure(sql)) {
                return new ShardUnavailableException(shard, "shard '" + shard + "' is unavailable: the connection failed ("
                        + sql.getMessage() + " [SQLState " + sql.getSQLState() + "])", e);
            }
        }
        return e;
    }
}
