package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.internal.health.Failures;
import io.github.shardingorm.internal.jdbc.ConnectionFailures;
import io.github.shardingorm.internal.jdbc.ReadContext;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.jdbc.ShardUnavailableSqlException;
import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.internal.stats.OperationKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

/**
 * Opens sessions on one shard and runs work in them: a transaction that commits, or rolls back
 * on any exception; the thread's shard binding always cleared in {@code finally}; failures to
 * reach the shard turned into {@link ShardUnavailableException} naming it, with the driver's
 * exception kept as the cause.
 *
 * <p>Transactions compose ({@link ShardContext}): {@link #fromTransaction} and {@link #fromSession}
 * called while this thread's innermost session has an active transaction join it on the same shard
 * (no commit of their own; a failure marks it rollback-only) and are refused on another shard. The
 * library's own machinery (sagas, two-phase commit, reference copies) uses {@link #fromOwnTransaction},
 * which never joins.
 *
 * <p>Every run is one operation for the statistics and meters ({@link Instrumentation}): its
 * shard, kind, duration and outcome (a joined call is counted by the transaction it joins).
 *
 * <p>Health: work that needs the primary is refused before a session is opened while the
 * shard's breaker is open (no network, well under a millisecond); a connection failure of
 * read-write work counts against the shard. Read-your-writes: after a read-write transaction
 * of a shard with replicas commits, one round trip reads the primary's WAL position (at or past
 * the commit record) into the thread's consistency token; so does {@link #fromSession} when its
 * work committed a transaction of its own. Writes through two-phase commit record theirs in
 * {@code TwoPhaseCommitter}; sagas and reference writes run their steps here.
 */
public final class ShardSessions {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardSessions.class);

    private final SessionFactory sessionFactory;
    private final ShardContext context;
    private final Instrumentation instrumentation;
    private final ShardPools pools;

    /** Sessions without statistics, health or replicas (unit tests of the query planner). */
    public ShardSessions(SessionFactory sessionFactory, ShardContext context) {
        this(sessionFactory, context, Instrumentation.off(), null);
    }

    public ShardSessions(SessionFactory sessionFactory, ShardContext context, Instrumentation instrumentation, ShardPools pools) {
        this.sessionFactory = sessionFactory;
        this.context = context;
        this.instrumentation = instrumentation;
        this.pools = pools;
        context.attach(sessionFactory);
    }

    public Instrumentation instrumentation() {
        return instrumentation;
    }

    /** The same sessions, not counted in statistics or meters: for the library's own metadata reads. */
    public ShardSessions uncounted() {
        ShardSessions uncounted = new ShardSessions(sessionFactory, context, Instrumentation.off(), pools);
        uncounted.fenceRouter = fenceRouter;
        uncounted.fenceWaitMillis = fenceWaitMillis;
        return uncounted;
    }

    /** The unit's pools (null in unit tests of the query planner). */
    public ShardPools pools() {
        return pools;
    }

    /** The thread's shard context. */
    public ShardContext context() {
        return context;
    }

    /** Runs {@code work} in a transaction on {@code shard}, joining a surrounding one on the same shard; counted as a keyed read ({@code readOnly}) or write. */
    public <R> R fromTransaction(String shard, boolean readOnly, Function<Session, R> work) {
        return fromTransaction(shard, readOnly, readOnly ? OperationKind.READ : OperationKind.WRITE, work);
    }

    /** Like {@link #fromTransaction(String, boolean, Function)}, counted as {@code kind}. */
    public <R> R fromTransaction(String shard, boolean readOnly, OperationKind kind, Function<Session, R> work) {
        Session joined = context.joinable(shard, () -> null);
        if (joined != null) {
            return joined(joined, work);
        }
        return fromOwnTransaction(shard, readOnly, kind, work);
    }

    /**
     * Keyed work in a transaction: routed by {@code route}, and routed again once the transaction's
     * connection is checked out when the shard map changed meanwhile (one volatile compare in the
     * common case). A route that changed between the two runs the work on the new shard (nothing
     * was done on the old one; up to 3 tries); inside a surrounding transaction, which cannot move,
     * it is refused with the retryable {@link io.github.shardingorm.ShardTopologyChangedException}.
     * This keeps the work off a bucket's old shard after a move (its reads would see the old
     * copies, its writes are refused there by the fence).
     */
    public <R> R fromRoutedTransaction(Supplier<String> route, java.util.function.LongSupplier mapVersion, boolean readOnly,
                                       Function<Session, R> work) {
        for (int attempt = 1; ; attempt++) {
            long routedAt = mapVersion.getAsLong();
            String shard = route.get();
            boolean joins = context.joinable(shard, () -> null) != null;
            try {
                return fromTransaction(shard, readOnly, session -> {
                    long now = mapVersion.getAsLong();
                    if (now != routedAt) {
                        String current = route.get();
                        if (!current.equals(shard)) {
                            throw new Rerouted(shard, current, routedAt, now);
                        }
                    }
                    return work.apply(session);
                });
            } catch (Rerouted r) {
                if (joins || attempt >= 3) {
                    throw r;
                }
            } catch (io.github.shardingorm.ShardTopologyChangedException fenced) {
                // waited for the fence to go, or it went (the map changed) between the refusal and here: run again
                if (joins || readOnly || attempt >= 3 || !(waitedForFence(fenced)
                        || !fenced.getBuckets().isEmpty() && mapVersion.getAsLong() != routedAt && !byStaleTrigger(fenced))) {
                    throw fenced;
                }
            } catch (io.github.shardingorm.ShardRoutingException wrongShard) {
                // the write guard found the key on another shard: a routing error, unless the map changed
                // during the attempt (the bucket moved, and maybe was released, after the re-check): then a reroute
                long now = mapVersion.getAsLong();
                String current = now == routedAt ? shard : route.get();
                if (joins || current.equals(shard)) {
                    throw wrongShard;
                }
                if (attempt >= 3) {
                    Rerouted r = new Rerouted(shard, current, routedAt, now);
                    r.addSuppressed(wrongShard);
                    throw r;
                }
            }
        }
    }

    private volatile io.github.shardingorm.internal.routing.ShardRouter fenceRouter;

    /** How long keyed work refused by a bucket's fence waits for the final stage to end before the refusal is thrown. */
    private volatile long fenceWaitMillis;

    /**
     * Keyed work refused because its bucket is FENCED waits (without CPU) until this instance adopts
     * the version that ends the final stage, then runs again, routed anew (see {@link #waitedForFence}).
     */
    public void waitAtFence(io.github.shardingorm.internal.routing.ShardRouter router, long maxMillis) {
        this.fenceRouter = router;
        this.fenceWaitMillis = maxMillis;
    }

    /**
     * When {@code refused} names buckets that are FENCED now: waits until they are not (at most
     * the configured {@code fencedWriteWait}) and returns true when they are not, so the caller runs the work
     * again (its transaction has rolled back; nothing was written). False: throw the refusal.
     *
     * <p>Why: a writer of a fenced bucket that retried on its own (as the exception asks) retried
     * every few milliseconds for the whole final stage: in OrmReshardingIT 130-260 refused
     * transactions per addShard, each a session, a connection, a SELECT and a ROLLBACK on the
     * source plus an exception, i.e. about two thirds of the source's statements in the final stage,
     * on the same cores and the same server as the writes to the source's OTHER buckets, which the
     * issue wants unaffected. Waiting here for the version change costs nothing while it waits, and
     * the write goes to the new owner as soon as this instance adopts the switch (no retry delay).
     * Only outside a surrounding transaction (that one cannot move) and for read-write work.
     */
    private boolean waitedForFence(io.github.shardingorm.ShardTopologyChangedException refused) {
        io.github.shardingorm.internal.routing.ShardRouter router = fenceRouter;
        if (router == null || fenceWaitMillis <= 0 || refused.getBuckets() == null || refused.getBuckets().isEmpty() || !router.anyFenced(refused.getBuckets())) {
            return false;
        }
        try {
            return router.awaitUnfenced(refused.getBuckets(), fenceWaitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@code refused} is a refusal of the trigger for a stale version (not retried at once: the instance must follow first). */
    private static boolean byStaleTrigger(io.github.shardingorm.ShardTopologyChangedException refused) {
        for (Throwable c = refused; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException sql && "SHF01".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The route of keyed work changed between routing and checkout (retryable). */
    private static final class Rerouted extends io.github.shardingorm.ShardTopologyChangedException {
        private static final long serialVersionUID = 1L;

        Rerouted(String shard, String current, long routedAt, long now) {
            super(shard, java.util.List.of(), routedAt, now, "the key was routed to shard '" + shard + "' by shard map version "
                    + routedAt + " but maps to shard '" + current + "' at version " + now + " (a bucket moved); retry the transaction", null);
        }
    }

    /**
     * The session a call on {@code shard} would join (the surrounding transaction's), or null.
     *
     * @throws io.github.shardingorm.ShardRoutingException when a surrounding transaction is on another shard
     */
    public Session joinable(String shard, Supplier<String> what) {
        return context.joinable(shard, what);
    }

    /** Runs {@code work} in a transaction of its own on {@code shard}, whatever surrounds it. */
    public <R> R fromOwnTransaction(String shard, boolean readOnly, Function<Session, R> work) {
        return fromOwnTransaction(shard, readOnly, readOnly ? OperationKind.READ : OperationKind.WRITE, work);
    }

    private <R> R fromOwnTransaction(String shard, boolean readOnly, OperationKind kind, Function<Session, R> work) {
        long started = instrumentation.start();
        clearServed(readOnly, started);
        try {
            R result = ownTransaction(shard, readOnly, work);
            instrumentation.finished(shard, role(readOnly, started), kind, started, null);
            return result;
        } catch (RuntimeException e) {
            instrumentation.finished(shard, role(readOnly, started), kind, started, e);
            throw e;
        }
    }

    /** Before a counted read: forgets an earlier replica mark of this thread. */
    private static void clearServed(boolean readOnly, long started) {
        if (readOnly && started != 0L) {
            ReadContext.takeServedByReplica();
        }
    }

    /** The role of a counted operation's meters: replica when a replica served the read's connection. */
    private static String role(boolean readOnly, long started) {
        return readOnly && started != 0L && ReadContext.takeServedByReplica() ? Instrumentation.REPLICA : Instrumentation.PRIMARY;
    }

    private <R> R ownTransaction(String shard, boolean readOnly, Function<Session, R> work) {
        boolean replicas = pools != null && pools.hasReplicas(shard);
        if (!readOnly || !replicas) {
            refuseIfDown(shard);
        }
        try (ShardConnectionProvider.ReadMode transactional = ShardConnectionProvider.transactionalReads();
             Session session = open(shard, readOnly);
             ShardContext.Binding binding = context.work(shard, session)) {
            Transaction tx = session.beginTransaction();
            R result;
            try {
                result = work.apply(session);
                if (tx.getRollbackOnly()) {
                    throw rolledBack(shard, session);
                }
                tx.commit();
            } catch (RuntimeException | Error e) {
                rollbackQuietly(tx, e);
                throw e;
            }
            if (!readOnly && replicas) {
                recordPosition(shard, session, false);
            }
            return result;
        } catch (RuntimeException e) {
            throw translate(shard, readOnly, e);
        }
    }

    /**
     * Runs {@code work} in a transaction of its own on {@code shard} in a stateless session (no
     * persistence context, no flush: each {@code insert} goes straight to the JDBC batch), with the
     * factory's JDBC batch size; the pending batch runs before the commit. For {@code saveAll}'s
     * outright inserts; never joins (a surrounding transaction is the caller's business). Counted
     * as a write, refused while the shard's breaker is open, failures translated like
     * {@link #fromOwnTransaction}. The thread's frame names the shard without a session to join.
     */
    public <R> R fromStatelessTransaction(String shard, Function<org.hibernate.StatelessSession, R> work) {
        long started = instrumentation.start();
        try {
            R result = statelessTransaction(shard, work);
            instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.WRITE, started, null);
            return result;
        } catch (RuntimeException e) {
            instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.WRITE, started, e);
            throw e;
        }
    }

    private <R> R statelessTransaction(String shard, Function<org.hibernate.StatelessSession, R> work) {
        boolean replicas = pools != null && pools.hasReplicas(shard);
        refuseIfDown(shard);
        try (org.hibernate.StatelessSession session = sessionFactory.withStatelessOptions().tenantIdentifier((Object) shard)
                .openStatelessSession();
             ShardContext.Binding binding = context.work(shard, null)) {
            org.hibernate.engine.spi.SharedSessionContractImplementor s = (org.hibernate.engine.spi.SharedSessionContractImplementor) session;
            session.setJdbcBatchSize(statementBatchSize());
            Transaction tx = session.beginTransaction();
            R result;
            try {
                result = work.apply(session);
                s.getJdbcCoordinator().executeBatch(); // a unique violation surfaces here, inside the work's transaction
                tx.commit();
            } catch (RuntimeException | Error e) {
                rollbackQuietly(tx, e);
                throw e;
            }
            if (replicas) {
                recordPosition(shard, session, false);
            }
            return result;
        } catch (RuntimeException e) {
            throw translate(shard, false, e);
        }
    }

    private int statementBatchSize() {
        int configured = ((org.hibernate.engine.spi.SessionFactoryImplementor) sessionFactory).getSessionFactoryOptions().getJdbcBatchSize();
        return Math.max(configured, 1);
    }

    /** Read-only work with a per-call read-from and lag limit (null / negative: the configured default). */
    public <R> R fromReadOnlyTransaction(String shard, ReadFrom readFrom, long maxLagMillis, Function<Session, R> work) {
        try (ReadContext.Scope scope = ReadContext.with(readFrom, maxLagMillis)) {
            return fromTransaction(shard, true, work);
        }
    }

    /**
     * {@link #fromReadOnlySession} on the shard's primary, never a replica: for reads whose result
     * outlives the call (a cache fill), which a lagging replica would keep stale past the write's
     * invalidation.
     */
    public <R> R fromPrimaryReadOnlySession(String shard, Function<Session, R> work) {
        try (ReadContext.Scope scope = ReadContext.with(ReadFrom.PRIMARY, -1)) {
            return fromReadOnlySession(shard, work);
        }
    }

    private void refuseIfDown(String shard) {
        if (pools != null) {
            ShardUnavailableSqlException refused = pools.refusalIfOpen(shard);
            if (refused != null) {
                throw refused.toApi("", null);
            }
        }
    }

    /**
     * Read-your-writes after a commit: the primary's WAL position into the thread's token. The
     * write is committed whatever happens here, so a failure to read the position (the primary
     * went away right after the commit) is logged, not thrown: a caller told that a committed
     * write failed might repeat it.
     *
     * @param rollbackFirst roll back what the connection holds uncommitted outside a transaction
     *                      (what closing it would do), so that auto-commit commits nothing by accident
     */
    private static void recordPosition(String shard, org.hibernate.SharedSessionContract session, boolean rollbackFirst) {
        try {
            ReadContext.recordWrite(shard, session.doReturningWork(c -> {
                if (rollbackFirst && !c.getAutoCommit()) {
                    c.rollback();
                }
                return currentWalLsn(c);
            }));
        } catch (RuntimeException e) {
            LOG.warn("shard '{}': the write committed, but its WAL position could not be read for read-your-writes"
                    + " (a later read of this caller may be served by a replica behind it): {}", shard, Failures.describe(e));
        }
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

    /**
     * A keyed read the way plain Hibernate reads outside a transaction: a read-only session on an
     * auto-commit connection, so that the read costs its statements and no {@code BEGIN}/{@code
     * COMMIT} round trip (a read-only transaction's COMMIT was ~40 % of a point read). Each
     * statement sees its own snapshot; work that needs one snapshot for several statements uses
     * {@link #fromTransaction} with {@code readOnly}. Inside a surrounding transaction on the same
     * shard the read joins it (it sees that transaction's writes); on another shard it is refused.
     */
    public <R> R fromReadOnlySession(String shard, Function<Session, R> work) {
        return fromReadOnlySession(shard, OperationKind.READ, work);
    }

    /** Like {@link #fromReadOnlySession(String, Function)}, counted as {@code kind}. */
    public <R> R fromReadOnlySession(String shard, OperationKind kind, Function<Session, R> work) {
        Session joined = context.joinable(shard, () -> null);
        if (joined != null) {
            return joined(joined, work);
        }
        long started = instrumentation.start();
        clearServed(true, started);
        R result;
        try {
            if (pools == null || !pools.hasReplicas(shard)) {
                refuseIfDown(shard);
            }
        } catch (RuntimeException refused) {
            instrumentation.finished(shard, Instrumentation.PRIMARY, kind, started, refused);
            throw refused;
        }
        try (ShardConnectionProvider.ReadMode autoCommit = ShardConnectionProvider.autoCommitReads();
             Session session = open(shard, true);
             ShardContext.Binding binding = context.work(shard, session)) {
            result = work.apply(session);
        } catch (RuntimeException e) {
            RuntimeException translated = translate(shard, true, e);
            instrumentation.finished(shard, role(true, started), kind, started, translated);
            throw translated;
        }
        instrumentation.finished(shard, role(true, started), kind, started, null);
        return result;
    }

    /** Runs {@code work} in a session on {@code shard} without a transaction of its own (joining a surrounding one). */
    public <R> R fromSession(String shard, Function<Session, R> work) {
        Session joined = context.joinable(shard, () -> null);
        if (joined != null) {
            return joined(joined, work);
        }
        long started = instrumentation.start();
        R result;
        try {
            refuseIfDown(shard);
        } catch (RuntimeException refused) {
            instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.WRITE, started, refused);
            throw refused;
        }
        try (Session session = open(shard, false);
             ShardContext.Binding binding = context.work(shard, session)) {
            boolean[] committed = recordsCommits(shard, session);
            result = work.apply(session);
            if (committed != null && committed[0] && !session.getTransaction().isActive()) {
                // read-your-writes: the work committed its own transaction(s); nothing is left open to commit by accident
                recordPosition(shard, session, true);
            }
        } catch (RuntimeException e) {
            RuntimeException translated = translate(shard, false, e);
            instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.WRITE, started, translated);
            throw translated;
        }
        instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.WRITE, started, null);
        return result;
    }

    /** On a shard with replicas: a flag the session sets when a transaction of it commits; else null. */
    private boolean[] recordsCommits(String shard, Session session) {
        if (pools == null || !pools.hasReplicas(shard)) {
            return null;
        }
        boolean[] committed = new boolean[1];
        session.addEventListeners(new org.hibernate.SessionEventListener() {
            @Override
            public void transactionCompletion(boolean successful) {
                committed[0] |= successful;
            }
        });
        return committed;
    }

    /** Session property: the first failure of a joined call, kept as the cause of the rollback it forces. */
    private static final String JOINED_FAILURE = "io.github.shardingorm.joined-failure";

    private static ShardingException rolledBack(String shard, Session session) {
        Object cause = session.getProperties().get(JOINED_FAILURE);
        return new ShardingException("The transaction on shard '" + shard + "' was rolled back: a repository call or query that"
                + " joined it failed (marking it rollback-only), even though the failure was caught", cause instanceof Throwable t ? t : null);
    }

    private static <R> R joined(Session session, Function<Session, R> work) {
        try {
            return work.apply(session);
        } catch (RuntimeException | Error e) {
            try {
                if (session.getTransaction().isActive()) {
                    session.getTransaction().setRollbackOnly();
                    if (session.getProperties().get(JOINED_FAILURE) == null) {
                        session.setProperty(JOINED_FAILURE, e);
                    }
                }
            } catch (RuntimeException markFailure) {
                e.addSuppressed(markFailure);
            }
            throw e;
        }
    }

    /** The id of an entity instance (null when it has none yet), without opening a session. */
    public Object identifierOf(Object entity) {
        return sessionFactory.getPersistenceUnitUtil().getIdentifier(entity);
    }

    private Session open(String shard, boolean readOnly) {
        Session session = FenceStatementInspector.sessionOn(sessionFactory, shard).readOnly(readOnly).openSession();
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

    /** {@link #translate(String, RuntimeException)}, counting a connection failure of read-write work against the shard. */
    private RuntimeException translate(String shard, boolean readOnly, RuntimeException e) {
        RuntimeException translated = translate(shard, e);
        if (pools != null && !readOnly && translated != e && translated instanceof ShardUnavailableException
                && !hasCause(e, ShardUnavailableSqlException.class)) {
            pools.recordFailure(shard, e);
        }
        return translated;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Turns a failure to reach {@code shard}, and a statement PostgreSQL canceled at a deadline
     * (SQLState 57014: reason {@code TIMED_OUT}), into {@link ShardUnavailableException} naming
     * the shard; returns every other exception unchanged.
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
                return u.toApi("", e);
            }
            if (t instanceof SQLException sql && ConnectionFailures.isConnectionFailure(sql)) {
                return new ShardUnavailableException(shard, Failures.classify(e), null, null, "shard '" + shard
                        + "' is unavailable: the connection failed (" + sql.getMessage() + " [SQLState " + sql.getSQLState() + "])", e);
            }
            if (t instanceof SQLException sql && "57014".equals(sql.getSQLState())) {
                // a deadline, not a sick server: the breaker ignores it (Failures.countsAgainstHealth)
                String which = sql.getMessage() != null && sql.getMessage().contains("statement timeout")
                        ? "its statement_timeout (sharding.statement-timeout, per shard statementTimeout(shard, timeout))"
                        : "the call's query timeout or a cancel";
                return new ShardUnavailableException(shard, ShardUnavailableException.Reason.TIMED_OUT, null, null, "shard '" + shard
                        + "' timed out: PostgreSQL canceled the statement at " + which + " (" + sql.getMessage() + " [SQLState 57014])", e);
            }
        }
        return e;
    }
}
