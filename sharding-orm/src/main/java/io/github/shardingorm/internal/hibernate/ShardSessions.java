package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.internal.jdbc.ConnectionFailures;
import io.github.shardingorm.internal.jdbc.ShardUnavailableSqlException;
import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.internal.stats.OperationKind;
import java.sql.SQLException;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

/**
 * Opens sessions on one shard and runs work in them: a transaction that commits, or rolls back
 * on any exception; the thread's shard binding always cleared in {@code finally}; failures to
 * reach the shard turned into {@link ShardUnavailableException} naming it, with the driver's
 * exception kept as the cause. Every run is one operation for the statistics and meters
 * ({@link Instrumentation}): its shard, kind, duration and outcome.
 */
public final class ShardSessions {

    private final SessionFactory sessionFactory;
    private final Instrumentation instrumentation;

    public ShardSessions(SessionFactory sessionFactory) {
        this(sessionFactory, Instrumentation.off());
    }

    public ShardSessions(SessionFactory sessionFactory, Instrumentation instrumentation) {
        this.sessionFactory = sessionFactory;
        this.instrumentation = instrumentation;
    }

    public Instrumentation instrumentation() {
        return instrumentation;
    }

    /** The same sessions, not counted in statistics or meters: for the library's own metadata reads. */
    public ShardSessions uncounted() {
        return new ShardSessions(sessionFactory, Instrumentation.off());
    }

    /** A transaction counted as a keyed read ({@code readOnly}) or write. */
    public <R> R fromTransaction(String shard, boolean readOnly, Function<Session, R> work) {
        return fromTransaction(shard, readOnly, readOnly ? OperationKind.READ : OperationKind.WRITE, work);
    }

    public <R> R fromTransaction(String shard, boolean readOnly, OperationKind kind, Function<Session, R> work) {
        long started = instrumentation.start();
        R result;
        try (ShardTenantResolver.Binding binding = ShardTenantResolver.bind(shard);
             Session session = open(shard, readOnly)) {
            Transaction tx = session.beginTransaction();
            try {
                result = work.apply(session);
                tx.commit();
            } catch (RuntimeException | Error e) {
                rollbackQuietly(tx, e);
                throw e;
            }
        } catch (RuntimeException e) {
            RuntimeException translated = translate(shard, e);
            instrumentation.finished(shard, Instrumentation.PRIMARY, kind, started, translated);
            throw translated;
        }
        instrumentation.finished(shard, Instrumentation.PRIMARY, kind, started, null);
        return result;
    }

    public <R> R fromSession(String shard, Function<Session, R> work) {
        long started = instrumentation.start();
        R result;
        try (ShardTenantResolver.Binding binding = ShardTenantResolver.bind(shard);
             Session session = open(shard, false)) {
            result = work.apply(session);
        } catch (RuntimeException e) {
            RuntimeException translated = translate(shard, e);
            instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.WRITE, started, translated);
            throw translated;
        }
        instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.WRITE, started, null);
        return result;
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
        if (e instanceof ShardUnavailableException) {
            return e;
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
