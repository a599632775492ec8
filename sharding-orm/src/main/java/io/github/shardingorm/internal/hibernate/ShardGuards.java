package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.engine.RoutingErrors;
import io.github.shardingorm.internal.engine.ShardRouter;
import io.github.shardingorm.internal.engine.ShardedEntityModel;
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

    /** Session property set by the reference writer: the only sessions allowed to write reference entities. */
    private static final String BROADCAST = io.github.shardingorm.internal.reference.ReferenceWriter.BROADCAST;

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
        String keyShard = router.shardOfKey(model, key);
        String sessionShard = String.valueOf(session.getTenantIdentifierValue());
        if (!keyShard.equals(sessionShard)) {
            throw RoutingErrors.wrongShard(model, key, keyShard, sessionShard, operation);
        }
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
        if (!router.isReference(type) || isBroadcast(session)) {
            return;
        }
        String name = router.referenceClassOf(type).getSimpleName();
        throw new io.github.shardingorm.ShardRoutingException("Cannot " + operation + " " + name + " in a session on shard '"
                + session.getTenantIdentifierValue() + "': " + name + " is a @ReferenceTable copied to every shard, and this would"
                + " change one copy only. Write it with ShardedPersistence.references().save(entity) / delete(type, id); nothing was written.",
                name, null, String.valueOf(session.getTenantIdentifierValue()));
    }

    private static boolean isBroadcast(SharedSessionContractImplementor session) {
        return session instanceof org.hibernate.engine.spi.SessionImplementor si
                && Boolean.TRUE.equals(si.getProperties().get(BROADCAST));
    }

    @Override
    public void onFlushEntity(FlushEntityEvent event) {
        EntityEntry entry = event.getEntityEntry();
        if (entry != null && entry.getStatus() == Status.MANAGED && event.getDirtyProperties() != null
                && event.getDirtyProperties().length > 0 && router.isReference(event.getEntity().getClass())) {
            checkReference(event.getEntity().getClass(), event.getSession(), "update");
        }
        if (entry == null || entry.getStatus() != Status.MANAGED) {
            return;
        }
        Object[] loaded = entry.getLoadedState();
        Object[] current = event.getPropertyValues();
        if (loaded == null || current == null) {
            return;
        }
        ShardedEntityModel model = router.modelOrNull(event.getEntity().getClass());
        if (model == null || model.idRouting() == ShardedEntityModel.IdRouting.ID_IS_KEY) {
            return;
        }
        int index = keyPropertyIndex(entry.getPersister(), model);
        if (index < 0) {
            return; // the key is part of the id, which Hibernate never lets change
        }
        Object before = loaded[index];
        Object after = current[index];
        boolean changed = (before == null) != (after == null)
                || (before != null && !Objects.equals(model.keyType().normalize(before), model.keyType().normalize(after)));
        if (changed) {
            throw RoutingErrors.keyChanged(model, entry.getId(), before, after,
                    String.valueOf(event.getSession().getTenantIdentifierValue()));
        }
    }

    private final java.util.Map<Class<?>, Integer> keyIndexes = new java.util.concurrent.ConcurrentHashMap<>();

    /** Index of the key among the persister's non-id properties, or -1 when the key is (part of) the id. */
    private int keyPropertyIndex(org.hibernate.persister.entity.EntityPersister persister, ShardedEntityModel model) {
        return keyIndexes.computeIfAbsent(model.entityClass(), c -> {
            String[] names = persister.getPropertyNames();
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(model.keyAttribute())) {
                    return i;
                }
            }
            return -1;
        });
    }
}
