package io.github.shardingorm.internal.cache;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.HibernateException;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.engine.spi.TransactionCompletionCallbacks.AfterCompletionCallback;
import org.hibernate.engine.spi.TransactionCompletionCallbacks.BeforeCompletionCallback;
import org.hibernate.event.spi.AbstractCollectionEvent;
import org.hibernate.event.spi.PostCollectionRecreateEvent;
import org.hibernate.event.spi.PostCollectionRecreateEventListener;
import org.hibernate.event.spi.PostCollectionRemoveEvent;
import org.hibernate.event.spi.PostCollectionRemoveEventListener;
import org.hibernate.event.spi.PostCollectionUpdateEvent;
import org.hibernate.event.spi.PostCollectionUpdateEventListener;
import org.hibernate.event.spi.PostDeleteEvent;
import org.hibernate.event.spi.PostDeleteEventListener;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Captures the writes of a session's transaction that some cache holds, and sends them at commit.
 *
 * <p>Hibernate fires the post-insert/update/delete and collection events during the flush, inside the
 * transaction. The first one of a transaction registers a {@link Pending} with the session's action
 * queue: before completion (after the last flush, still inside the transaction) it sends the
 * invalidations with {@code pg_notify} on the session's own connection, so PostgreSQL delivers them
 * to the other instances at commit and never for a rollback; a failure to send fails the commit.
 * After a successful completion it evicts the cache-aside entries of this instance (Hibernate updates
 * its own second-level entries itself).
 */
final class WriteCapture implements PostInsertEventListener, PostUpdateEventListener, PostDeleteEventListener,
        PostCollectionRecreateEventListener, PostCollectionUpdateEventListener, PostCollectionRemoveEventListener {

    /** More lines than this in one transaction become one region line per entity or role. */
    static final int MAX_LINES = 1000;

    private final CacheRuntime runtime;
    private final Map<Object, Pending> pending = new ConcurrentHashMap<>();

    WriteCapture(CacheRuntime runtime) {
        this.runtime = runtime;
    }

    // ------------------------------------------------------------------ events (inside the flush)

    @Override
    public void onPostInsert(PostInsertEvent event) {
        if (runtime.queryCacheOn()) {
            add(event.getSession(), new Invalidation(Invalidation.Kind.INSERT, event.getPersister().getEntityName(), null));
        }
    }

    @Override
    public void onPostUpdate(PostUpdateEvent event) {
        entity(event.getSession(), event.getPersister(), event.getId());
    }

    @Override
    public void onPostDelete(PostDeleteEvent event) {
        entity(event.getSession(), event.getPersister(), event.getId());
    }

    private void entity(SharedSessionContractImplementor session, EntityPersister persister, Object id) {
        if (persister.canWriteToCache() || runtime.hasAside(persister.getEntityName()) || runtime.queryCacheOn()) {
            add(session, new Invalidation(Invalidation.Kind.ENTITY, persister.getEntityName(), id));
        }
    }

    @Override
    public void onPostRecreateCollection(PostCollectionRecreateEvent event) {
        collection(event);
    }

    @Override
    public void onPostUpdateCollection(PostCollectionUpdateEvent event) {
        collection(event);
    }

    @Override
    public void onPostRemoveCollection(PostCollectionRemoveEvent event) {
        collection(event);
    }

    private void collection(AbstractCollectionEvent event) {
        if (event.getCollectionPersister().hasCache() && event.getAffectedOwnerIdOrNull() != null) {
            add(event.getSession(), new Invalidation(Invalidation.Kind.COLLECTION, event.getCollectionPersister().getRole(),
                    event.getAffectedOwnerIdOrNull()));
        }
    }

    @Override
    public boolean requiresPostCommitHandling(EntityPersister persister) {
        return false;
    }

    private void add(SharedSessionContractImplementor session, Invalidation invalidation) {
        Pending p = pending.get(session);
        if (p == null) {
            p = new Pending(session.getTenantIdentifier());
            pending.put(session, p);
            session.getTransactionCompletionCallbacks().registerCallback((BeforeCompletionCallback) p);
            session.getTransactionCompletionCallbacks().registerCallback((AfterCompletionCallback) p);
        }
        p.invalidations.add(invalidation);
    }

    /** Sessions with a transaction in flight that wrote cached data (for tests: 0 at rest). */
    int inFlight() {
        return pending.size();
    }

    // ------------------------------------------------------------------ at commit

    private final class Pending implements BeforeCompletionCallback, AfterCompletionCallback {

        final String shard;
        final Set<Invalidation> invalidations = new LinkedHashSet<>();

        Pending(String shard) {
            this.shard = shard;
        }

        @Override
        public void doBeforeTransactionCompletion(SharedSessionContractImplementor session) {
            if (!runtime.publishes() || invalidations.isEmpty()) {
                return;
            }
            List<String> payloads = Invalidation.payloads(runtime.instanceId(), lines());
            Connection c = session.getJdbcCoordinator().getLogicalConnection().getPhysicalConnection();
            try (PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
                for (String payload : payloads) {
                    ps.setString(1, runtime.channel());
                    ps.setString(2, payload);
                    ps.execute();
                }
            } catch (SQLException e) {
                throw new HibernateException("could not send " + invalidations.size() + " cache invalidations on shard '" + shard
                        + "' (the transaction is rolled back so no other instance keeps a stale entry): " + e.getMessage(), e);
            }
        }

        private List<String> lines() {
            Set<String> lines = new LinkedHashSet<>();
            if (invalidations.size() <= MAX_LINES) {
                invalidations.forEach(i -> lines.add(i.line()));
            } else {
                for (Invalidation i : invalidations) {
                    lines.add(i.kind() == Invalidation.Kind.INSERT ? i.line() : new Invalidation(Invalidation.Kind.REGION,
                            i.kind() == Invalidation.Kind.COLLECTION ? runtime.ownerOfRole(i.name()) : i.name(), null).line());
                }
            }
            return new ArrayList<>(lines);
        }

        @Override
        public void doAfterTransactionCompletion(boolean success, SharedSessionContractImplementor session) {
            pending.remove(session);
            if (success) {
                runtime.afterLocalCommit(shard, invalidations);
            }
        }
    }
}
