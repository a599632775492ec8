package io.github.shardingorm.internal.repository;

import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.hibernate.DirectInserts;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.query.exec.ScatterGather;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.query.FailurePolicy;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;

/**
 * {@code saveAll}: entities of one or several types, routed as a whole, then one transaction
 * with JDBC batches per shard, the shards committing in parallel.
 *
 * <p>Design. Every entity is routed before any connection is taken, so a bad key (or an
 * unmanaged type) anywhere in the batch writes nothing. A shard's group keeps the caller's order
 * (parents before their children). Entities without an id, or whose type says they are new
 * (Hibernate's unsaved-value: a null version), are persisted. An entity with an ASSIGNED id may
 * be new or existing; a bulk load is nearly always new rows, so the group is first inserted
 * outright (persist, batched, no select), and only when that violates a unique constraint
 * (SQLState 23505: some row existed) is the shard's transaction rolled back and the group saved
 * again in a fresh session the careful way: its existing rows looked up in batched selects,
 * new ones persisted and existing ones merged. Versioned types with assigned ids go the careful
 * way at once (persist would alter their version), and so do types that cascade. Flat types
 * ({@link StatelessInserts}) are inserted in a stateless session's transaction, straight into one
 * JDBC batch per type with Hibernate's insert SQL and binders where {@link DirectInserts} takes
 * the type, else through {@code StatelessSession.insert}. The shards run on the query executor; the
 * caller runs one of them itself. Atomic per shard, not across shards: when a shard fails
 * after others committed, the exception names both.
 */
final class BatchSave {

    private static final int LOOKUP_CHUNK = 500;
    private static final String UNIQUE_VIOLATION = "23505";

    private final ShardRouter router;
    private final ShardSessions sessions;
    private final SessionFactoryImplementor sessionFactory;
    private final ScatterGather scatter;
    private final DirectInserts direct;
    private final int batchSize;

    BatchSave(ShardRouter router, ShardSessions sessions, SessionFactory sessionFactory, ScatterGather scatter) {
        this.router = router;
        this.sessions = sessions;
        this.sessionFactory = (SessionFactoryImplementor) sessionFactory;
        this.scatter = scatter;
        this.direct = new DirectInserts(router, sessions.pools(), this.sessionFactory);
        this.batchSize = Math.max(this.sessionFactory.getSessionFactoryOptions().getJdbcBatchSize(), 1);
    }

    /** Saves {@code input}; returns the saved instances in input order (merged copies for existing rows). */
    <S> List<S> saveAll(List<S> input, String what) {
        Map<String, List<Integer>> positionsByShard = new LinkedHashMap<>();
        for (int i = 0; i < input.size(); i++) {
            S entity = input.get(i);
            if (entity == null) {
                throw new IllegalArgumentException("entity #" + i + " in saveAll must not be null");
            }
            positionsByShard.computeIfAbsent(router.shardOfEntity(entity), s -> new ArrayList<>()).add(i);
        }
        List<S> result = new ArrayList<>(input);
        if (positionsByShard.isEmpty()) {
            return result;
        }
        // Transactions compose: inside a transaction on one shard, a batch for that shard joins it
        // (on this thread, saved the careful way: a failed outright insert would poison it); a
        // batch that touches another shard is refused before anything is written.
        sessions.context().checkTargets(positionsByShard.keySet(), () -> "saveAll of " + input.size() + " " + what);
        if (positionsByShard.size() == 1) {
            String only = positionsByShard.keySet().iterator().next();
            if (sessions.joinable(only, () -> "saveAll of " + what) != null) {
                sessions.fromTransaction(only, false, session -> {
                    saveCarefully(session, input, positionsByShard.get(only), result);
                    return null;
                });
                return result;
            }
        }
        List<String> shards = new ArrayList<>(positionsByShard.keySet());
        ScatterGather.Outcome<Boolean> outcome = scatter.run(shards, (shard, cancellation) ->
                saveGroup(shard, input, positionsByShard.get(shard), result), null, FailurePolicy.PARTIAL, "saveAll");
        if (!outcome.missing().isEmpty()) {
            Map.Entry<String, Throwable> first = outcome.missing().entrySet().iterator().next();
            if (outcome.results().isEmpty() && first.getValue() instanceof RuntimeException e) {
                throw e;
            }
            throw new ShardingException("saveAll of " + input.size() + " " + what + " failed on shards " + outcome.missing().keySet()
                    + (outcome.results().isEmpty() ? "" : " after shards " + outcome.results().keySet() + " committed")
                    + " (saveAll is atomic per shard, not across shards): " + first.getValue().getMessage(), first.getValue());
        }
        return result;
    }

    private <S> Boolean saveGroup(String shard, List<S> input, List<Integer> positions, List<S> result) {
        Outright outright = outright(positions, input);
        if (outright != Outright.NO) {
            try {
                if (outright == Outright.STATELESS) {
                    sessions.fromStatelessTransaction(shard, session -> {
                        insertByType(session, shard, input, positions);
                        return null;
                    });
                } else {
                    sessions.fromTransaction(shard, false, session -> {
                        for (int position : positions) {
                            session.persist(input.get(position));
                        }
                        return null;
                    });
                }
                return Boolean.TRUE; // the persisted instances are the given ones: result already holds them
            } catch (RuntimeException e) {
                if (!isUniqueViolation(e)) {
                    throw e;
                }
                // some assigned id existed: the transaction rolled back; save the group the careful way
            }
        }
        sessions.fromTransaction(shard, false, session -> {
            saveCarefully(session, input, positions, result);
            return null;
        });
        return Boolean.TRUE;
    }

    /**
     * Stateless inserts, grouped by type in the order each type first appears (what the stateful
     * path's {@code order_inserts} does for types without associations), so that a batch
     * alternating two types still sends one JDBC batch per type. A type that {@link DirectInserts}
     * supports goes straight to JDBC with Hibernate's insert SQL and binders; any other through
     * {@code StatelessSession.insert}.
     */
    private void insertByType(org.hibernate.StatelessSession session, String shard, List<?> input, List<Integer> positions) {
        Map<Class<?>, List<Object>> byType = new LinkedHashMap<>();
        Class<?> lastType = null;
        List<Object> last = null;
        for (int position : positions) {
            Object entity = input.get(position);
            if (entity.getClass() != lastType) {
                lastType = entity.getClass();
                last = byType.computeIfAbsent(lastType, t -> new ArrayList<>(positions.size()));
            }
            last.add(entity);
        }
        for (List<Object> entities : byType.values()) {
            EntityPersister persister = persister(entities.get(0));
            if (!(entities.get(0) instanceof org.hibernate.proxy.HibernateProxy) && direct.supports(persister)) {
                // rows of an earlier type still in the session's batch go first: the types' order stays the caller's
                ((org.hibernate.engine.spi.SharedSessionContractImplementor) session).getJdbcCoordinator().executeBatch();
                direct.insert(session, persister, entities, shard, batchSize);
            } else {
                for (Object entity : entities) {
                    session.insert(entity);
                }
            }
        }
    }

    private enum Outright { NO, STATEFUL, STATELESS }

    /**
     * Whether the group may be inserted outright: every entity has an assigned id, and a type that
     * a failed persist leaves as it was (no version to bump, no cascade that could give children
     * generated ids before the retry). Through a stateless session when every type of the group
     * allows it ({@link #statelessInsert}).
     */
    private Outright outright(List<Integer> positions, List<?> input) {
        boolean stateless = true;
        EntityPersister last = null;
        Class<?> lastClass = null;
        for (int position : positions) {
            Object entity = input.get(position);
            EntityPersister persister = entity.getClass() == lastClass ? last : persister(entity);
            lastClass = entity.getClass();
            if (persister != last) {
                if (persister.isVersioned() || persister.hasCascades()) {
                    return Outright.NO;
                }
                stateless &= statelessInsert(persister);
                last = persister;
            }
            Object id = entity instanceof org.hibernate.proxy.HibernateProxy ? sessions.identifierOf(entity) : persister.getIdentifier(entity);
            if (id == null) {
                return Outright.NO;
            }
        }
        return stateless ? Outright.STATELESS : Outright.STATEFUL;
    }

    /** Per entity type: whether a stateless insert of a new row does exactly what persist + flush would. */
    private final Map<EntityPersister, Boolean> statelessByType = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean statelessInsert(EntityPersister persister) {
        Boolean known = statelessByType.get(persister);
        if (known == null) {
            known = StatelessInserts.equivalent(persister, sessionFactory);
            statelessByType.put(persister, known);
        }
        return known;
    }

    /** Existing rows loaded in batched selects per type, then new entities persisted and existing ones merged. */
    @SuppressWarnings("unchecked")
    private <S> void saveCarefully(Session session, List<S> input, List<Integer> positions, List<S> result) {
        Map<Class<?>, List<Object>> idsByType = new LinkedHashMap<>();
        for (int position : positions) {
            S entity = input.get(position);
            Object id = sessions.identifierOf(entity);
            if (id != null) {
                idsByType.computeIfAbsent(persister(entity).getMappedClass(), t -> new ArrayList<>()).add(id);
            }
        }
        Map<Class<?>, Set<Object>> existing = new LinkedHashMap<>();
        idsByType.forEach((type, ids) -> {
            Set<Object> found = new HashSet<>();
            for (int from = 0; from < ids.size(); from += LOOKUP_CHUNK) {
                List<Object> chunk = ids.subList(from, Math.min(ids.size(), from + LOOKUP_CHUNK));
                List<?> loaded = session.findMultiple(type, chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    if (loaded.get(i) != null) {
                        found.add(chunk.get(i));
                    }
                }
            }
            existing.put(type, found);
        });
        for (int position : positions) {
            S entity = input.get(position);
            Object id = sessions.identifierOf(entity);
            Set<Object> found = id == null ? null : existing.get(persister(entity).getMappedClass());
            if (found == null || !found.contains(id)) {
                session.persist(entity);
                result.set(position, entity);
            } else {
                result.set(position, (S) session.merge(entity));
            }
        }
    }

    private EntityPersister persister(Object entity) {
        Class<?> type = entity instanceof org.hibernate.proxy.HibernateProxy ? org.hibernate.Hibernate.getClass(entity) : entity.getClass();
        return sessionFactory.getMappingMetamodel().getEntityDescriptor(type);
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                        return true;
                    }
                }
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException c && UNIQUE_VIOLATION.equals(c.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
