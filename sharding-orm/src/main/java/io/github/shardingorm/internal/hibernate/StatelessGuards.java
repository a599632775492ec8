package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.routing.RoutingErrors;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import java.sql.Connection;
import java.sql.SQLException;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.AbstractCollectionEvent;
import org.hibernate.event.spi.PreCollectionRecreateEvent;
import org.hibernate.event.spi.PreCollectionRecreateEventListener;
import org.hibernate.event.spi.PreCollectionRemoveEvent;
import org.hibernate.event.spi.PreCollectionRemoveEventListener;
import org.hibernate.event.spi.PreCollectionUpdateEvent;
import org.hibernate.event.spi.PreCollectionUpdateEventListener;
import org.hibernate.event.spi.PreDeleteEvent;
import org.hibernate.event.spi.PreDeleteEventListener;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreInsertEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;
import org.hibernate.event.spi.PreUpsertEvent;
import org.hibernate.event.spi.PreUpsertEventListener;
import org.hibernate.resource.jdbc.spi.LogicalConnectionImplementor;

/**
 * The guards that run when an entity's statement is about to execute (pre-insert, pre-update,
 * pre-upsert, pre-delete), in stateful and stateless sessions alike.
 *
 * <ul>
 *   <li>Stateless sessions (Jakarta Data repositories use one) fire no persist, merge or flush
 *       events: here the entity's key must route to the session's shard, and a
 *       {@code @ReferenceTable} entity is never written on one shard.</li>
 *   <li>Every session: the fence per bucket ({@link ShardRouter#checkWriteNow}). The session's
 *       connection is taken first (it is already, inside a transaction: Hibernate takes it at
 *       {@code begin}), so the check is made against a topology at least as new as the version
 *       the connection carries ({@code shorm.topology_version}, set at checkout from the same
 *       instance state). That is the invariant the source shard's trigger relies on: a session
 *       that passes the trigger in the final stage of a move has had this check against the fence.</li>
 * </ul>
 */
final class StatelessGuards implements PreInsertEventListener, PreUpdateEventListener, PreUpsertEventListener, PreDeleteEventListener,
        PreCollectionRecreateEventListener, PreCollectionUpdateEventListener, PreCollectionRemoveEventListener {

    private final ShardRouter router;
    private final ShardPools pools;

    StatelessGuards(ShardRouter router, ShardPools pools) {
        this.router = router;
        this.pools = pools;
    }

    @Override
    public boolean onPreInsert(PreInsertEvent event) {
        check(event.getEntity(), event.getSession(), "insert");
        return false;
    }

    @Override
    public boolean onPreUpdate(PreUpdateEvent event) {
        check(event.getEntity(), event.getSession(), "update");
        return false;
    }

    @Override
    public boolean onPreUpsert(PreUpsertEvent event) {
        check(event.getEntity(), event.getSession(), "upsert");
        return false;
    }

    @Override
    public boolean onPreDelete(PreDeleteEvent event) {
        check(event.getEntity(), event.getSession(), "delete");
        return false;
    }

    // A collection's rows (element collections, join tables) live with their owner and are written without
    // an event for the owner when only the collection changed: the owner's bucket is checked the same way.

    @Override
    public void onPreRecreateCollection(PreCollectionRecreateEvent event) {
        checkCollection(event, "collection insert");
    }

    @Override
    public void onPreUpdateCollection(PreCollectionUpdateEvent event) {
        checkCollection(event, "collection update");
    }

    @Override
    public void onPreRemoveCollection(PreCollectionRemoveEvent event) {
        checkCollection(event, "collection delete");
    }

    private void checkCollection(AbstractCollectionEvent event, String operation) {
        Object owner = event.getAffectedOwnerOrNull();
        if (owner != null) {
            check(owner, event.getSession(), operation);
            return;
        }
        String shard = String.valueOf(event.getSession().getTenantIdentifierValue());
        connect(event.getSession());
        router.checkBulk(shard, operation + " of " + event.getAffectedOwnerEntityName() + " (owner not loaded)");
    }

    private void check(Object entity, SharedSessionContractImplementor session, String operation) {
        if (entity == null) {
            return;
        }
        boolean stateful = session instanceof SessionImplementor;
        ShardedEntityModel model = router.modelOrNull(entity.getClass());
        if (model == null) {
            if (!stateful) {
                Class<?> reference = router.referenceClassOf(entity.getClass());
                if (reference != null) {
                    throw RoutingErrors.referenceWrittenOnOneShard(reference, operation, session.getTenantIdentifierValue());
                }
            }
            return;
        }
        Connection connection = connect(session);
        long checkedAt = pools == null ? 0 : pools.writeVersion(); // before the check: the routing state is at least this
        router.checkWriteNow(model, entity, String.valueOf(session.getTenantIdentifierValue()), operation, stateful);
        if (checkedAt > 0) {
            try {
                pools.beforeWrite(connection, checkedAt);
            } catch (SQLException e) {
                throw session.getJdbcServices().getSqlExceptionHelper().convert(e, "bringing the connection's topology version up to "
                        + checkedAt + " before the " + operation + " of " + model.entityName());
            }
        }
    }

    /** Takes the session's connection when it has none yet (outside a transaction): the check must follow the checkout. */
    private static Connection connect(SharedSessionContractImplementor session) {
        LogicalConnectionImplementor connection = session.getJdbcCoordinator().getLogicalConnection();
        return connection.getPhysicalConnection();
    }
}
