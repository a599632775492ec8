package io.github.shardingorm.internal.query.exec;

import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.internal.stats.OperationKind;
import io.github.shardingorm.query.ShardQueryException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.hibernate.ScrollMode;
import org.hibernate.ScrollableResults;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.hibernate.query.SelectionQuery;

/**
 * A forward-only cursor over one shard for {@code stream()}: a stateless session (no persistence
 * context grows) in a transaction (PostgreSQL only streams with a fetch size inside one), so the
 * shard holds at most {@code fetchSize} rows in memory at a time. Opened on a query thread, read
 * on the caller's thread, closed by the stream. Counted as one {@code query} operation of the shard,
 * from opening to closing (the time it held the shard's connection), failed if a read failed.
 */
public final class ShardCursor implements Iterator<Object>, AutoCloseable {

    private final String shard;
    private final String query;
    private final StatelessSession session;
    private final Transaction transaction;
    private final ScrollableResults<?> scroll;
    private final Instrumentation instrumentation;
    private final long started;
    private Object next;
    private boolean done;
    private boolean closed;
    private RuntimeException failure;

    private ShardCursor(String shard, String query, StatelessSession session, Transaction transaction, ScrollableResults<?> scroll,
                        Instrumentation instrumentation, long started) {
        this.shard = shard;
        this.query = query;
        this.session = session;
        this.transaction = transaction;
        this.scroll = scroll;
        this.instrumentation = instrumentation;
        this.started = started;
    }

    /** Opens the cursor and reads the first row (so that a failing shard fails now, not mid-stream). */
    public static ShardCursor open(SessionFactory sessionFactory, String shard, String hql,
                            java.util.function.Function<StatelessSession, SelectionQuery<?>> query, int fetchSize, int firstResult,
                            int maxResults, ScatterGather.Cancellation cancellation, Instrumentation instrumentation) {
        long started = instrumentation.start();
        StatelessSession session;
        try {
            session = sessionFactory.withStatelessOptions().tenantIdentifier((Object) shard).openStatelessSession();
        } catch (RuntimeException e) {
            instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.QUERY, started, e);
            throw e;
        }
        Transaction tx = null;
        ShardCursor cursor = null;
        try {
            cancellation.attach(session);
            tx = session.beginTransaction();
            SelectionQuery<?> q = query.apply(session);
            q.setFetchSize(fetchSize);
            if (firstResult > 0) {
                q.setFirstResult(firstResult);
            }
            if (maxResults >= 0) {
                q.setMaxResults(maxResults);
            }
            cursor = new ShardCursor(shard, hql, session, tx, q.scroll(ScrollMode.FORWARD_ONLY), instrumentation, started);
            cursor.hasNext();
            return cursor;
        } catch (RuntimeException e) {
            instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.QUERY, started,
                    cursor != null && cursor.failure != null ? cursor.failure : e);
            try {
                if (tx != null && tx.isActive()) {
                    tx.rollback();
                }
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            } finally {
                session.close();
            }
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                if (scroll.next()) {
                    next = scroll.get();
                    if (next == null) {
                        next = NULL_ROW;
                    }
                } else {
                    done = true;
                }
            } catch (RuntimeException e) {
                done = true;
                failure = ShardSessions.translate(shard, e);
                throw new ShardQueryException(query, Map.of(shard, failure), List.of());
            }
        }
        return next != null;
    }

    private static final Object NULL_ROW = new Object();

    @Override
    public Object next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Object r = next == NULL_ROW ? null : next;
        next = null;
        return r;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            scroll.close();
        } catch (RuntimeException ignored) {
            // the session is closed below anyway
        }
        try {
            if (transaction.isActive()) {
                transaction.rollback(); // read only: nothing to keep
            }
        } catch (RuntimeException ignored) {
            // a broken connection: the pool evicts it
        } finally {
            try {
                session.close();
            } finally {
                instrumentation.finished(shard, Instrumentation.PRIMARY, OperationKind.QUERY, started, failure);
            }
        }
    }
}
