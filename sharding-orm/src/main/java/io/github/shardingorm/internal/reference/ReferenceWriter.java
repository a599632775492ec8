package io.github.shardingorm.internal.reference;

import io.github.shardingorm.ReferenceTables;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.hibernate.ShardingIntegrator;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.saga.SagaArguments;
import io.github.shardingorm.saga.SagaException;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.saga.SagaResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.Session;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Writes reference entities to every shard: one two-phase commit transaction over all shards when
 * available, else the built-in forward-only saga {@value #SAGA_TYPE} (one step per shard, an
 * idempotent merge or delete, retried until every shard has it); both are given as
 * {@link EveryShardWrites}. Sessions doing these writes carry {@link #BROADCAST}, the only way past
 * the guard that refuses reference writes in keyed sessions.
 */
public final class ReferenceWriter implements ReferenceTables {

    /** Session property that marks a session writing a reference entity to every shard. */
    public static final String BROADCAST = ShardingIntegrator.REFERENCE_BROADCAST;

    /** The built-in saga type of reference writes without two-phase commit. */
    public static final String SAGA_TYPE = "shorm.reference-write";

    private static final String CLASS = "shorm.class";
    private static final String OP = "shorm.op";
    private static final String ID = "shorm.id";
    private static final String ATTRIBUTE = "a.";

    private final SessionFactoryImplementor sessionFactory;
    private final ShardRouter router;
    private final ShardSessions sessions;
    private final EveryShardWrites writes;
    private final AtomicInteger nextReadShard = new AtomicInteger();

    public ReferenceWriter(SessionFactoryImplementor sessionFactory, ShardRouter router, ShardSessions sessions,
                           EveryShardWrites writes) {
        this.sessionFactory = sessionFactory;
        this.router = router;
        this.sessions = sessions;
        this.writes = writes;
    }

    @Override
    public boolean atomicWrites() {
        return writes.atomic();
    }

    @Override
    public void save(Object entity) {
        if (entity == null) {
            throw new IllegalArgumentException("reference entity must not be null");
        }
        Class<?> type = checkReference(entity.getClass());
        EntityPersister persister = persister(type);
        Object id = persister.getIdentifier(entity);
        if (id == null) {
            throw new ShardRoutingException("Cannot save reference entity " + persister.getEntityName()
                    + ": its id is null. Reference entities need an assigned id so every shard's copy has the same id.",
                    persister.getEntityName(), null, null);
        }
        if (writes.atomic()) {
            writes.atomically(ctx -> {
                for (String shard : ctx.shardIds()) {
                    ctx.sessionOnShard(shard).merge(entity);
                }
            }, Map.of(BROADCAST, Boolean.TRUE));
            return;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(CLASS, type.getName());
        args.put(OP, "save");
        args.put(ID, id);
        String[] names = persister.getPropertyNames();
        Object[] values = persister.getValues(entity);
        for (int i = 0; i < names.length; i++) {
            Object v = values[i];
            if (v instanceof Enum<?> e) {
                v = e.name();
            }
            if (v != null && !SagaArguments.STORABLE_TYPES.contains(v.getClass())) {
                throw new ShardRoutingException("Cannot save reference entity " + persister.getEntityName() + " without two-phase commit:"
                        + " attribute '" + names[i] + "' has type " + v.getClass().getName() + ", which the saga log cannot store;"
                        + " use basic attributes, or enable max_prepared_transactions on every shard", persister.getEntityName(), id, null);
            }
            if (v != null) {
                args.put(ATTRIBUTE + names[i], v);
            }
        }
        runSaga(args, persister.getEntityName(), id);
    }

    @Override
    public void delete(Class<?> type, Object id) {
        checkReference(type);
        if (id == null) {
            throw new ShardRoutingException("Cannot delete reference entity " + type.getSimpleName() + ": the id is null",
                    type.getSimpleName(), null, null);
        }
        if (writes.atomic()) {
            writes.atomically(ctx -> {
                for (String shard : ctx.shardIds()) {
                    Session s = ctx.sessionOnShard(shard);
                    Object found = s.find(type, id);
                    if (found != null) {
                        s.remove(found);
                    }
                }
            }, Map.of(BROADCAST, Boolean.TRUE));
            return;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(CLASS, type.getName());
        args.put(OP, "delete");
        args.put(ID, id);
        runSaga(args, type.getSimpleName(), id);
    }

    private void runSaga(Map<String, Object> args, String entityName, Object id) {
        SagaArguments arguments;
        try {
            arguments = SagaArguments.of(args);
        } catch (IllegalArgumentException e) {
            throw new ShardRoutingException("Cannot write reference entity " + entityName + " without two-phase commit: "
                    + e.getMessage(), entityName, id, null);
        }
        SagaResult result = writes.forwardSaga(arguments);
        if (result.outcome() != SagaOutcome.COMPLETED) {
            throw new SagaException("Reference write of " + entityName + " id " + id + " did not reach every shard (saga "
                    + result.id() + " " + result.outcome() + "): " + result.reason(), SAGA_TYPE, result.id(), null);
        }
    }

    /** A step of the built-in saga {@value #SAGA_TYPE}: the idempotent write on the step's shard. */
    public static void writeOnShard(Session session, SagaArguments args) {
        session.setProperty(BROADCAST, Boolean.TRUE);
        Class<?> type;
        try {
            type = Class.forName(args.getString(CLASS), true, Thread.currentThread().getContextClassLoader() == null
                    ? ReferenceWriter.class.getClassLoader() : Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("reference entity class " + args.getString(CLASS) + " is not on the class path", e);
        }
        Object id = args.get(ID);
        if ("delete".equals(args.getString(OP))) {
            Object found = session.find(type, id);
            if (found != null) {
                session.remove(found);
            }
            return;
        }
        SharedSessionContractImplementor si = session.unwrap(SharedSessionContractImplementor.class);
        EntityPersister persister = si.getFactory().getMappingMetamodel().getEntityDescriptor(type);
        Object entity = persister.instantiate(id, si);
        String[] names = persister.getPropertyNames();
        Object[] values = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            Object v = args.get(ATTRIBUTE + names[i]);
            Class<?> javaType = persister.getPropertyTypes()[i].getReturnedClass();
            if (v instanceof String s && javaType.isEnum()) {
                v = enumValue(javaType, s);
            }
            values[i] = v;
        }
        persister.setValues(entity, values);
        persister.setIdentifier(entity, id, si);
        session.merge(entity);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }

    @Override
    public <T> Optional<T> find(Class<T> type, Object id) {
        checkReference(type);
        return Optional.ofNullable(sessions.fromOwnTransaction(readShard(), true, s -> s.find(type, id)));
    }

    @Override
    public <T> List<T> findAll(Class<T> type) {
        checkReference(type);
        String entityName = persister(type).getEntityName();
        return sessions.fromOwnTransaction(readShard(), true,
                s -> s.createSelectionQuery("from " + entityName, type).getResultList());
    }

    private String readShard() {
        List<String> ids = router.shardIds();
        return ids.get(Math.floorMod(nextReadShard.getAndIncrement(), ids.size()));
    }

    private Class<?> checkReference(Class<?> type) {
        if (type == null || !router.isReference(type)) {
            throw new ShardRoutingException("Class " + (type == null ? "null" : type.getName()) + " is not a @ReferenceTable entity of this"
                    + " persistence unit (reference entities: " + router.referenceClasses().stream().map(Class::getSimpleName).toList()
                    + "); annotate it with @ReferenceTable and add it to entities(...)", type == null ? null : type.getSimpleName(), null, null);
        }
        return router.referenceClassOf(type);
    }

    private EntityPersister persister(Class<?> type) {
        return sessionFactory.getMappingMetamodel().getEntityDescriptor(type);
    }
}
