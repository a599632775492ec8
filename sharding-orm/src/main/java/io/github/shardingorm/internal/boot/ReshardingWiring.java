package io.github.shardingorm.internal.boot;

import io.github.shardingorm.internal.config.ShardingConfiguration;
import io.github.shardingorm.internal.resharding.MovedTable;
import io.github.shardingorm.internal.resharding.ReshardingService;
import io.github.shardingorm.internal.resharding.StoredMoveTopology;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.internal.topology.TopologyRuntime;
import io.github.shardingorm.internal.topology.TopologyService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Gives the running unit its resharding service: the configured shards, the stored topology,
 * and the moved tables read from Hibernate's mapping (each sharded entity's table and the column
 * of its {@code @ShardKey}); all sharded tables move together, as they share the buckets.
 */
final class ReshardingWiring {

    private ReshardingWiring() {
    }

    static void wire(ShardedPersistenceImpl orm, ShardingConfiguration configuration, SessionFactoryImplementor sessionFactory,
                     ShardRouter router, TopologyRuntime topology) {
        TopologyService service = topology == null ? null : topology.service();
        if (router.bucketed() == null) {
            orm.resharding(null, "online resharding needs a bucketed strategy (hash, consistent hash, weighted) but the strategy is "
                    + router.resolver().name());
        } else if (service == null) {
            orm.resharding(null, "online resharding needs the stored topology (see the README, \"Topology\"); it is off here");
        } else {
            orm.resharding(new ReshardingService(configuration.shards(), () -> movedTables(configuration, sessionFactory, router),
                    () -> referenceTables(sessionFactory, router), new StoredMoveTopology(service)), null);
        }
    }

    /** The tables of the {@code @ReferenceTable} entities. */
    static List<String> referenceTables(SessionFactoryImplementor sessionFactory, ShardRouter router) {
        Set<String> tables = new LinkedHashSet<>();
        for (Class<?> entity : router.referenceClasses()) {
            tables.add(sessionFactory.getMappingMetamodel().getEntityDescriptor(entity).getMappedTableDetails().getTableName());
        }
        return List.copyOf(tables);
    }

    static List<MovedTable> movedTables(ShardingConfiguration configuration, SessionFactoryImplementor sessionFactory, ShardRouter router) {
        Set<MovedTable> tables = new LinkedHashSet<>();
        for (Class<?> entity : configuration.entities()) {
            ShardedEntityModel model = router.modelOrNull(entity);
            if (model == null) {
                continue;
            }
            EntityPersister persister = sessionFactory.getMappingMetamodel().getEntityDescriptor(entity);
            String table = persister.getMappedTableDetails().getTableName();
            List<String> columns = new ArrayList<>();
            var attribute = persister.findAttributeMapping(model.keyAttribute());
            if (attribute != null) {
                attribute.forEachSelectable((i, selectable) -> columns.add(selectable.getSelectionExpression()));
            } else if (model.keyAttribute().equals(model.idAttribute())) {
                persister.getIdentifierMapping().forEachSelectable((i, selectable) -> columns.add(selectable.getSelectionExpression()));
            }
            if (columns.size() != 1) {
                throw new IllegalStateException("entity " + model.entityName() + ": its shard key " + model.keyAttribute()
                        + " maps to columns " + columns + " of table " + table + "; a move needs exactly one key column");
            }
            tables.add(new MovedTable(table, columns.get(0)));
        }
        List<String> collections = new ArrayList<>();
        Set<String> owners = new java.util.HashSet<>();
        for (Class<?> entity : configuration.entities()) {
            if (router.modelOrNull(entity) != null) {
                owners.add(sessionFactory.getMappingMetamodel().getEntityDescriptor(entity).getEntityName());
            }
        }
        sessionFactory.getMappingMetamodel().forEachCollectionDescriptor(collection -> {
            if (owners.contains(collection.getOwnerEntityPersister().getEntityName())) {
                collections.add("collection " + collection.getRole() + " (table " + String.join(", ", collection.getCollectionSpaces())
                        + ") has no shard-key column; moving element collections and join tables is not supported yet");
            }
        });
        if (!collections.isEmpty()) {
            throw new io.github.shardingorm.resharding.ReshardingRefusedException("resharding", collections);
        }
        return List.copyOf(tables);
    }
}
