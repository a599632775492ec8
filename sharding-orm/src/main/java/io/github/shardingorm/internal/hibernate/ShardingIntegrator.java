package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.routing.ShardRouter;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.integrator.spi.Integrator;

/**
 * Registers {@link ShardGuards} and {@link StatelessGuards} (the checks when each entity or
 * collection statement is about to run, for every session) with the SessionFactory's event listeners.
 */
public final class ShardingIntegrator implements Integrator {

    /**
     * Session property that lets a session write {@code @ReferenceTable} entities, which the guards
     * otherwise refuse: set only by the reference writer, whose sessions write every shard.
     */
    public static final String REFERENCE_BROADCAST = "io.github.shardingorm.reference-broadcast";

    private final ShardRouter router;
    private final io.github.shardingorm.internal.jdbc.ShardPools pools;

    /** @param pools the unit's pools (their checkout hook brings a write's connection version up to date), or null */
    public ShardingIntegrator(ShardRouter router, io.github.shardingorm.internal.jdbc.ShardPools pools) {
        this.router = router;
        this.pools = pools;
    }

    @Override
    public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sessionFactory) {
        ShardGuards guards = new ShardGuards(router);
        EventListenerRegistry listeners = sessionFactory.getEventListenerRegistry();
        listeners.prependListeners(EventType.PERSIST, guards);
        listeners.prependListeners(EventType.PERSIST_ONFLUSH, guards);
        listeners.prependListeners(EventType.MERGE, guards);
        listeners.appendListeners(EventType.FLUSH_ENTITY, guards);
        listeners.prependListeners(EventType.DELETE, guards);
        StatelessGuards stateless = new StatelessGuards(router, pools);
        listeners.prependListeners(EventType.PRE_INSERT, stateless);
        listeners.prependListeners(EventType.PRE_UPDATE, stateless);
        listeners.prependListeners(EventType.PRE_UPSERT, stateless);
        listeners.prependListeners(EventType.PRE_DELETE, stateless);
        listeners.prependListeners(EventType.PRE_COLLECTION_RECREATE, stateless);
        listeners.prependListeners(EventType.PRE_COLLECTION_UPDATE, stateless);
        listeners.prependListeners(EventType.PRE_COLLECTION_REMOVE, stateless);
    }
}
