package io.github.shardingorm.internal.repository;

import org.hibernate.Interceptor;
import org.hibernate.boot.spi.SessionFactoryOptions;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.event.spi.EventType;
import org.hibernate.generator.Assigned;
import org.hibernate.jpa.event.spi.CallbackType;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.ComponentType;
import org.hibernate.type.Type;

/**
 * When {@code saveAll} may insert new rows of a type through a stateless session instead of
 * {@code persist} + flush: when, for a new row with an assigned id, the two do the same thing.
 * Measured (docs/benchmarks.md, issue 10, W6): persist puts each entity in the persistence
 * context and the flush walks it again (dirty check, action queue, insert action); a stateless
 * insert goes from the entity's values to the JDBC batch, and the fence's pre-insert guard, bean
 * validation (pre-insert) and post-insert listeners (the cache's invalidations, {@code @PostPersist})
 * still run per row. Where {@code DirectInserts} takes the type, the rows skip
 * {@code StatelessSession.insert} too (Hibernate's insert SQL and binders straight into the JDBC
 * batch, the same listeners fired).
 *
 * <p>Refused (the stateful outright path is kept) for a type with any of:
 * <ul>
 *   <li>an id that is not assigned (a stateless insert would generate one over the given id);</li>
 *   <li>a collection, or an association, in its attributes or embeddables (stateful persist orders
 *       parents before children by their associations and wraps collections);</li>
 *   <li>a {@code @PrePersist} callback: Hibernate 7.4's stateless insert reads the entity's values
 *       BEFORE it runs the callback, so what the callback sets would not be inserted;</li>
 *   <li>database-generated attributes (a stateless insert with an assigned id does not read them back);</li>
 *   <li>a second-level cache or natural-id cache (persist puts the new row in it);</li>
 *   <li>persist listeners other than Hibernate's and the library's, post-commit insert listeners, or
 *       an interceptor (they would see another event, or none).</li>
 * </ul>
 * Versioned and cascading types never reach here (the careful path).
 */
final class StatelessInserts {

    private static final String OWN_PERSIST_GUARD = "io.github.shardingorm.internal.hibernate.ShardGuards";
    private static final String EMPTY_INTERCEPTOR = "org.hibernate.internal.EmptyInterceptor";
    private static final String HIBERNATE_PERSIST = "org.hibernate.event.internal.DefaultPersistEventListener";

    private StatelessInserts() {
    }

    static boolean equivalent(EntityPersister persister, SessionFactoryImplementor factory) {
        if (!(persister.getGenerator() instanceof Assigned)) {
            return false;
        }
        if (persister.hasCollections() || persister.hasOwnedCollections() || persister.hasInsertGeneratedProperties()
                || persister.canWriteToCache() || persister.hasNaturalIdCache() || persister.isVersioned() || persister.hasCascades()) {
            return false;
        }
        for (Type type : persister.getPropertyTypes()) {
            if (!flat(type)) {
                return false;
            }
        }
        if (factory.getEventEngine().getCallbackRegistry().hasRegisteredCallbacks(persister.getMappedClass(), CallbackType.PRE_PERSIST)) {
            return false;
        }
        SessionFactoryOptions options = factory.getSessionFactoryOptions();
        Interceptor interceptor = options.getInterceptor();
        if ((interceptor != null && !interceptor.getClass().getName().equals(EMPTY_INTERCEPTOR)) || options.getStatelessInterceptorImplementorSupplier() != null) {
            return false;
        }
        var registry = factory.getEventListenerRegistry();
        if (!registry.getEventListenerGroup(EventType.POST_COMMIT_INSERT).isEmpty()) {
            return false;
        }
        for (Object listener : registry.getEventListenerGroup(EventType.PERSIST).listeners()) {
            String name = listener.getClass().getName();
            if (!name.equals(HIBERNATE_PERSIST) && !name.equals(OWN_PERSIST_GUARD)) {
                return false;
            }
        }
        return true;
    }

    /** A basic value, or an embeddable of basic values only. */
    private static boolean flat(Type type) {
        if (type.isAssociationType() || type.isCollectionType() || type.isAnyType()) {
            return false;
        }
        if (type instanceof ComponentType component) {
            for (Type sub : component.getSubtypes()) {
                if (!flat(sub)) {
                    return false;
                }
            }
        }
        return true;
    }
}
