package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.routing.RoutingErrors;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import java.util.Objects;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.engine.spi.Status;
import org.hibernate.event.spi.DeleteContext;
import org.hibernate.event.spi.DeleteEvent;
import org.hibernate.event.spi.DeleteEventListener;
import org.hibernate.event.spi.FlushEntityEvent;
import org.hibernate.event.spi.FlushEntityEventListener;
import org.hibernate.event.spi.MergeContext;
import org.hibernate.event.spi.MergeEvent;
import org.hibernate.event.spi.MergeEventListener;
import org.hibernate.event.spi.PersistContext;
import org.hibernate.event.spi.PersistEvent;
import org.hibernate.event.spi.PersistEventListener;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Event listeners that keep every row on the shard its key routes to.
 *
 * <ul>
 *   <li>persist / merge (prepended, so they run before Hibernate does anything): the entity's key
 *       must route to the session's shard, and must not be null;</li>
 *   <li>flush-entity (appended, after Hibernate's dirty check and before any SQL of the flush
 *       runs): the key of a persistent entity must not change.</li>
 * </ul>
 */
final class ShardGuards implements PersistEventListener, MergeEventListener, FlushEntityEventListener, DeleteEventListener {

    private static final String BROADCAST = ShardingIntegrator.REFERENCE_BROADCAST;

    private final ShardRouter router;

    ShardGuards(ShardRouter router) {
        this.router = router;
    }

    @Override
    public void onPersist(PersistEvent event) {
        check(event.getObject(), event.getSession(), "persist");
    }

    @Override
    public void onPersist(PersistEvent event, PersistContext createdAlready) {
        check(event.getObject(), event.getSession(), "persist");
    }

    @Override
    public void onMerge(MergeEvent event) {
        check(event.getOriginal(), event.getSession(), "merge");
    }

    @Override
    public void onMerge(MergeEvent event, MergeContext copiedAlready) {
        check(event.getOriginal(), event.getSession(), "merge");
    }

    private void check(Object entity, SharedSessionContractImplementor session, String operation) {
        if (entity == null) {
            return;
        }
        ShardedEntityModel model = router.modelOrNull(entity.getClass());
        if (model == null) {
            checkReference(entity.getClass(), session, operation);
            return;
        }
        Object key = router.keyOf(model, entity);
        String keyShard = router.shardOfKeyForCheck(model, key);
        String sessionShard = String.valueOf(session.getTenantIdentifierValue());
        if (!keyShard.equals(sessionShard)) {
            if (router.isBucketed() && router.movedAwayFrom(router.bucketed().bucketOf(key), sessionShard)) {
                router.checkWriteNow(model, entity, sessionShard, operation, true); // routed before the bucket moved: retryable
            }
            throw RoutingErrors.wrongShard(model, key, keyShard, sessionShard, operation);
        }
        router.checkNotFenced(model, entity, sessionShard);
    }

    @Override
    public void onDelete(DeleteEvent event) {
        if (event.getObject() != null) {
            checkReference(event.getObject().getClass(), event.getSession(), "remove");
        }
    }

    @Override
    public void onDelete(DeleteEvent event, DeleteContext transientEntities) {
        onDelete(event);
    }

    /**
     * A reference entity is written to every shard by ShardedPersistence.references(); a write in a
     * session on one shard would make the copies differ, so it is refused (before anything is written).
     */
    private void checkReference(Class<?> type, SharedSessionContractImplementor session, String operation) {
        Class<?> reference = router.referenceClassOf(type);
        if (reference != null && !isBroadcast(session)) {
            throw RoutingErrors.referenceWrittenOnOneShard(reference, operation, session.getTenantIdentifierValue());
        }
    }

    private static boolean isBroadcast(SharedSessionContractImplementor session) {
        return session instanceof org.hibernate.engine.spi.SessionImplementor si
                && Boolean.TRUE.equals(si.getProperties().get(BROADCAST));
    }

    @Override
    public void onFlushEntity(FlushEntityEvent event) {
        EntityEntry entry = event.getEntityEntry();
        if (entry == null || entry.getStatus() != Status.MANAGED) {
            return;
        }
        Class<?> type = event.getEntity().getClass();
        if (event.hasDirtyProperties()) {
            checkReference(type, event.getSession(), "update");
        }
        Object[] loaded = entry.getLoadedState();
        Object[] current = event.getPropertyValues();
        if (loaded == null || current == null) {
            return;
        }
        ShardedEntityModel model = router.modelOrNull(type);
        if (model == null || model.idRouting() == ShardedEntityModel.IdRouting.ID_IS_KEY) {
            return;
        }
        int index = keyPropertyIndex(entry.getPersister(), model);
        if (index < 0) {
            return; // the key is part of the id, which Hibernate never lets change
        }
        // Both values are of the key attribute's own Java type, so plain equality decides.
        // A key that is the parent association holds entities (or proxies): compare the parents' ids.
        Object before = router.keyFromAttribute(model, loaded[index]);
        Object after = router.keyFromAttribute(model, current[index]);
        if (!Objects.equals(before, after)) {
            throw RoutingErrors.keyChanged(model, entry.getId(), before, after,
                    String.valueOf(event.getSession().getTenantIdentifierValue()));
        }
    }

    /** Per persister (a subclass's persister may order its properties differently from its parent's). */
    private final java.util.Map<EntityPersister, Integer> keyIndexes = new java.util.concurrent.ConcurrentHashMap<>();

    /** Index of the key among the persister's non-id properties, or -1 when the key is (part of) the id. */
    private int keyPropertyIndex(EntityPersister persister, ShardedEntityModel model) {
        return keyIndexes.computeIfAbsent(persister, p -> java.util.Arrays.asList(p.getPropertyNames()).indexOf(model.keyAttribute()));
    }
}
