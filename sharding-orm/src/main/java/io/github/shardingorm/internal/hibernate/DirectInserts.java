package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.StatelessSession;
import org.hibernate.engine.jdbc.mutation.ParameterUsage;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.service.spi.EventListenerGroup;
import org.hibernate.event.spi.EventType;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreInsertEventListener;
import org.hibernate.generator.Generator;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.metamodel.mapping.ModelPart;
import org.hibernate.metamodel.mapping.SelectableMapping;
import org.hibernate.metamodel.mapping.TableDetails;
import org.hibernate.persister.entity.AbstractEntityPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.persister.entity.mutation.EntityTableMapping;
import org.hibernate.sql.model.MutationOperation;
import org.hibernate.sql.model.MutationOperationGroup;
import org.hibernate.sql.model.PreparableMutationOperation;
import org.hibernate.sql.model.jdbc.JdbcValueDescriptor;

/**
 * {@code saveAll}'s inserts of new rows of a <em>flat</em> type straight into one JDBC batch on the
 * stateless session's connection, with Hibernate's own metadata: the persister's static insert
 * SQL (prepared by Hibernate's mutation statement preparer, so the statement inspectors see it),
 * the attribute values as {@code persister.getValues} reads them, decomposed by each attribute's
 * mapping (converters, embeddables) and bound by the column's {@code JdbcMapping} value binder,
 * the row counts verified by the operation's {@code Expectation}, SQL errors converted by the
 * session's exception helper (a unique violation stays a {@code ConstraintViolationException}).
 *
 * <p>What {@code StatelessSession.insert} does per row and this does otherwise: the library's
 * fence guard ({@code StatelessGuards}, a pre-insert listener) is not called per row; the fence is
 * checked here for the whole batch before any row is bound, after the connection is taken and with the same
 * version hand-off ({@link ShardPools#writeVersion()} before, {@link ShardPools#beforeWrite} after).
 * The other pre-insert listeners (bean validation, an application's) are fired per row with the
 * row's state before it is bound, as the stateless session fires them (a veto skips the row, a
 * change to the event's state is what is inserted). The post-insert listeners (Hibernate's {@code @PostPersist} callbacks, the cache's invalidation
 * capture, any application listener) are fired per row as the stateless session fires them, and
 * Hibernate's statistics count each insert.
 *
 * <p>A type qualifies (checked once, {@link #supports}) when on top of
 * {@code StatelessInserts}' conditions its insert is one static, non-callable statement on one
 * table (no {@code @DynamicInsert}, no secondary or joined table, no {@code @SQLInsert}), no
 * attribute has an insert generator, it is a sharded entity, and every parameter of the statement
 * is accounted for by the id's columns and the insertable attributes' columns.
 */
public final class DirectInserts {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DirectInserts.class);

    private final ShardRouter router;
    private final ShardPools pools;
    private final SessionFactoryImplementor factory;
    private final Map<EntityPersister, Plan> plans = new ConcurrentHashMap<>();
    private static final Plan NONE = new Plan(null, null, null, null, null, null, 0);

    public DirectInserts(ShardRouter router, ShardPools pools, SessionFactoryImplementor factory) {
        this.router = router;
        this.pools = pools;
        this.factory = factory;
    }

    /** Whether rows of {@code persister}'s type may go through {@link #insert}. */
    public boolean supports(EntityPersister persister) {
        return plan(persister) != NONE;
    }

    private Plan plan(EntityPersister persister) {
        Plan plan = plans.get(persister);
        if (plan == null) {
            try {
                plan = build(persister);
            } catch (RuntimeException e) { // a mapping shape these internals do not expect: the stateless insert handles it
                LOG.debug("saveAll of {}: no direct insert ({}), rows go through StatelessSession.insert", persister.getEntityName(), e.toString());
                plan = NONE;
            }
            plans.put(persister, plan);
        }
        return plan;
    }

    private Plan build(EntityPersister persister) {
        if (!(persister instanceof AbstractEntityPersister aep) || persister.isDynamicInsert() || aep.hasPreInsertGeneratedProperties()
                || aep.getTableMappings().length != 1) {
            return NONE;
        }
        ShardedEntityModel model = router.modelOrNull(persister.getMappedClass());
        if (model == null) {
            return NONE;
        }
        MutationOperationGroup group = aep.getInsertCoordinator().getStaticMutationOperationGroup();
        if (group == null || group.getNumberOfOperations() != 1) {
            return NONE;
        }
        MutationOperation operation = group.getSingleOperation();
        if (!(operation instanceof PreparableMutationOperation preparable) || preparable.isCallable()
                || !(operation.getTableDetails() instanceof EntityTableMapping table) || !table.isIdentifierTable()
                || table.getInsertCustomSql() != null) {
            return NONE;
        }
        int parameters = preparable.getParameterBinders().size();
        BitSet covered = new BitSet();
        Map<String, JdbcValueDescriptor> byColumn = new HashMap<>();
        boolean[] insertable = persister.getPropertyInsertability();
        List<Integer> included = new java.util.ArrayList<>();
        for (int index : table.getAttributeIndexes()) {
            if (!insertable[index]) {
                continue;
            }
            AttributeMapping attribute = aep.getAttributeMappings().get(index);
            Generator generator = attribute.getGenerator();
            if (generator != null && generator.generatesOnInsert()) {
                return NONE;
            }
            boolean[] ok = {true};
            attribute.forEachSelectable((i, selectable) -> {
                if (selectable.isInsertable()) {
                    ok[0] &= cover(operation, selectable.getSelectionExpression(), byColumn, covered);
                }
            });
            if (!ok[0]) {
                return NONE;
            }
            included.add(index);
        }
        List<? extends TableDetails.KeyColumn> keyColumns = table.getKeyMapping().getKeyColumns();
        for (TableDetails.KeyColumn column : keyColumns) {
            if (!cover(operation, column.getColumnName(), byColumn, covered)) {
                return NONE;
            }
        }
        if (covered.cardinality() != parameters || covered.nextSetBit(0) != 1 || covered.length() != parameters + 1) {
            return NONE; // a parameter this would leave unbound, or positions not 1..n
        }
        int[] attributes = included.stream().mapToInt(Integer::intValue).toArray();
        AttributeMapping[] mappings = new AttributeMapping[attributes.length];
        for (int i = 0; i < attributes.length; i++) {
            mappings[i] = aep.getAttributeMappings().get(attributes[i]);
        }
        return new Plan(preparable.getSqlString(), preparable, table, attributes, mappings, byColumn, parameters);
    }

    private static boolean cover(MutationOperation operation, String column, Map<String, JdbcValueDescriptor> byColumn, BitSet covered) {
        JdbcValueDescriptor descriptor = operation.findValueDescriptor(column, ParameterUsage.SET);
        if (descriptor == null || covered.get(descriptor.getJdbcPosition())) {
            return false;
        }
        covered.set(descriptor.getJdbcPosition());
        byColumn.put(column, descriptor);
        return true;
    }

    /**
     * Inserts {@code entities} (all of {@code persister}'s type, new, ids assigned, routed to
     * {@code shard}) into the stateless session's transaction: sent in JDBC batches of
     * {@code batchSize}, executed before this returns.
     */
    public void insert(StatelessSession stateless, EntityPersister persister, List<?> entities, String shard, int batchSize) {
        Plan plan = plan(persister);
        if (plan == NONE) {
            throw new IllegalStateException("no direct insert for " + persister.getEntityName());
        }
        SharedSessionContractImplementor session = (SharedSessionContractImplementor) stateless;
        var jdbc = session.getJdbcCoordinator();
        Connection connection = jdbc.getLogicalConnection().getPhysicalConnection(); // the fence check follows the checkout
        checkFence(persister, entities, shard, connection, session);

        List<PreInsertEventListener> preInsert = new java.util.ArrayList<>(2);
        for (PreInsertEventListener listener : factory.getEventListenerRegistry().getEventListenerGroup(EventType.PRE_INSERT).listeners()) {
            if (!(listener instanceof StatelessGuards)) {
                preInsert.add(listener); // bean validation, an application's listener: fired per row, as the stateless insert does
            }
        }
        EventListenerGroup<PostInsertEventListener> postInsert = factory.getEventListenerRegistry().getEventListenerGroup(EventType.POST_INSERT);
        var statistics = factory.getStatistics();
        boolean counting = statistics.isStatisticsEnabled();
        var logger = session.getJdbcServices().getSqlStatementLogger();
        var exceptions = session.getJdbcServices().getSqlExceptionHelper();
        Row row = new Row(plan);
        PreparedStatement statement = jdbc.getMutationStatementPreparer().prepareStatement(plan.sql, false);
        try {
            int inBatch = 0;
            for (Object entity : entities) {
                Object[] values = persister.getValues(entity);
                Object id = persister.getIdentifier(entity, session);
                if (!preInsert.isEmpty() && vetoed(preInsert, new PreInsertEvent(entity, id, values, persister, session))) {
                    continue; // as the stateless insert: a vetoed row is not inserted, no post-insert event
                }
                row.bind(statement, values, id, session, exceptions);
                logger.logStatement(plan.sql);
                try {
                    statement.addBatch();
                } catch (SQLException e) {
                    throw exceptions.convert(e, "could not add to batch", plan.sql);
                }
                if (++inBatch == batchSize) {
                    execute(statement, inBatch, plan, exceptions);
                    inBatch = 0;
                }
                if (!postInsert.isEmpty()) {
                    PostInsertEvent event = new PostInsertEvent(entity, id, values, persister, session);
                    for (PostInsertEventListener listener : postInsert.listeners()) {
                        listener.onPostInsert(event);
                    }
                }
                if (counting) {
                    statistics.insertEntity(persister.getEntityName());
                }
            }
            if (inBatch > 0) {
                execute(statement, inBatch, plan, exceptions);
            }
        } finally {
            jdbc.getLogicalConnection().getResourceRegistry().release(statement);
            jdbc.afterStatementExecution();
        }
    }

    private static boolean vetoed(List<PreInsertEventListener> listeners, PreInsertEvent event) {
        boolean veto = false;
        for (PreInsertEventListener listener : listeners) {
            veto |= listener.onPreInsert(event);
        }
        return veto;
    }

    /**
     * The fence guard's check ({@code StatelessGuards}) for a whole batch before any row is bound:
     * each row's bucket against routing state at least as new as the connection's topology
     * version, then the version hand-off once. Per row, not per distinct bucket: with thousands of
     * buckets a 1,000-row batch has nearly as many buckets as rows (W6: ~890 expected per 1,000 rows over 4,096
     * buckets), and finding a row's bucket is the check's cost.
     */
    private void checkFence(EntityPersister persister, List<?> entities, String shard, Connection connection,
            SharedSessionContractImplementor session) {
        if (!router.isBucketed()) {
            return; // the guard's check has nothing to check without buckets
        }
        ShardedEntityModel model = router.modelOrNull(persister.getMappedClass());
        long checkedAt = pools == null ? 0 : pools.writeVersion(); // before the check: the routing state is at least this
        for (Object entity : entities) {
            router.checkWriteNow(model, entity, shard, "insert", false);
        }
        if (checkedAt > 0) {
            try {
                pools.beforeWrite(connection, checkedAt);
            } catch (SQLException e) {
                throw session.getJdbcServices().getSqlExceptionHelper().convert(e, "bringing the connection's topology version up to "
                        + checkedAt + " before the insert of " + model.entityName());
            }
        }
    }

    private static void execute(PreparedStatement statement, int rows, Plan plan,
            org.hibernate.engine.jdbc.spi.SqlExceptionHelper exceptions) {
        try {
            int[] counts = statement.executeBatch();
            if (counts.length != rows) {
                throw new org.hibernate.HibernateException("batch of " + rows + " inserts [" + plan.sql + "] returned " + counts.length + " row counts");
            }
            for (int i = 0; i < counts.length; i++) {
                plan.operation.getExpectation().verifyOutcome(counts[i], statement, i, plan.sql);
            }
        } catch (SQLException e) {
            throw exceptions.convert(e, "could not execute batch", plan.sql);
        }
    }

    /** One type's insert: its SQL, its operation, and where each column's value goes. */
    private record Plan(String sql, PreparableMutationOperation operation, EntityTableMapping table, int[] attributes,
            AttributeMapping[] mappings, Map<String, JdbcValueDescriptor> byColumn, int parameters) {
    }

    /** The JDBC values of one row, reused row after row (one per {@link #insert} call). */
    private static final class Row implements ModelPart.JdbcValueBiConsumer<Row, Object>, TableDetails.KeyDetails.KeyValueConsumer {
        private final Plan plan;
        private final Object[] values;
        private final JdbcMapping[] mappings;

        Row(Plan plan) {
            this.plan = plan;
            this.values = new Object[plan.parameters + 1];
            this.mappings = new JdbcMapping[plan.parameters + 1];
            plan.byColumn.values().forEach(d -> mappings[d.getJdbcPosition()] = d.getJdbcMapping());
        }

        void bind(PreparedStatement statement, Object[] attributeValues, Object id, SharedSessionContractImplementor session,
                org.hibernate.engine.jdbc.spi.SqlExceptionHelper exceptions) {
            int[] attributes = plan.attributes;
            for (int i = 0; i < attributes.length; i++) {
                plan.mappings[i].decompose(attributeValues[attributes[i]], 0, this, null, this, session);
            }
            plan.table.getKeyMapping().breakDownKeyJdbcValues(id, this, session);
            for (int position = 1; position < values.length; position++) {
                try {
                    mappings[position].getJdbcValueBinder().bind(statement, values[position], position, session);
                } catch (SQLException e) {
                    throw exceptions.convert(e, "Unable to bind parameter #" + position + " - " + values[position], plan.sql);
                }
                values[position] = null;
            }
        }

        @Override
        public void consume(int valueIndex, Row row, Object unused, Object jdbcValue, SelectableMapping selectable) {
            if (selectable.isInsertable()) {
                put(selectable.getSelectionExpression(), jdbcValue);
            }
        }

        @Override
        public void consume(Object jdbcValue, TableDetails.KeyColumn column) {
            put(column.getColumnName(), jdbcValue);
        }

        private void put(String column, Object jdbcValue) {
            JdbcValueDescriptor descriptor = plan.byColumn.get(column);
            if (descriptor == null) {
                throw new IllegalStateException("column " + column + " of " + plan.sql + " has no parameter");
            }
            values[descriptor.getJdbcPosition()] = jdbcValue;
        }
    }
}
