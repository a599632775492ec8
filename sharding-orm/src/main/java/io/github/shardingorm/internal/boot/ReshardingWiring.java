package io.github.shardingorm.internal.boot;

import io.github.shardingorm.internal.cache.CacheRuntime;
import io.github.shardingorm.internal.config.ShardingConfiguration;
import io.github.shardingorm.internal.hibernate.FenceStatementInspector;
import io.github.shardingorm.internal.resharding.MovedTable;
import io.github.shardingorm.internal.resharding.ReshardingService;
import io.github.shardingorm.internal.resharding.StoredMoveTopology;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.internal.topology.TopologyRuntime;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.Topology;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the running unit its resharding service: the configured shards, the stored topology,
 * and the moved tables read from Hibernate's mapping (each sharded entity's table and the column
 * of its {@code @ShardKey}, then the collection tables of those entities, placed by their owner);
 * all sharded tables move together, as they share the buckets.
 */
final class ReshardingWiring {

    private static final Logger LOG = LoggerFactory.getLogger(ReshardingWiring.class);

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
            CacheRuntime cache = orm.cache();
            StoredMoveTopology.Eviction eviction = cache != null && cache.enabled() ? (shard, buckets) -> evict(cache, shard, buckets)
                    : StoredMoveTopology.Eviction.NONE;
            if (cache != null && cache.enabled()) {
                service.onTopologyChange(followedMoves(service.current(), cache));
            }
            if (sessionFactory.getSessionFactoryOptions().getStatementInspector() instanceof FenceStatementInspector fence) {
                java.util.function.Consumer<Topology> warmUp = warmUpWhenAMoveBegins(fence);
                warmUp.accept(service.current()); // a move already running when this instance starts
                service.onTopologyChange(warmUp);
            }
            orm.resharding(new ReshardingService(configuration.shards(), () -> movedTables(configuration, sessionFactory, router),
                    () -> referenceTables(sessionFactory, router), new StoredMoveTopology(service, eviction)), null);
        }
    }

    /**
     * The first version with a bucket moving warms the fence's statement checks up (see
     * {@link FenceStatementInspector#warmUp()}), on the thread adopting it, before any bucket is FENCED.
     */
    static java.util.function.Consumer<Topology> warmUpWhenAMoveBegins(FenceStatementInspector fence) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return t -> {
            if (!t.moving().isEmpty() && done.compareAndSet(false, true)) {
                fence.warmUp();
            }
        };
    }

    /** The tables of the {@code @ReferenceTable} entities. */
    static List<String> referenceTables(SessionFactoryImplementor sessionFactory, ShardRouter router) {
        Set<String> tables = new LinkedHashSet<>();
        for (Class<?> entity : router.referenceClasses()) {
            tables.add(sessionFactory.getMappingMetamodel().getEntityDescriptor(entity).getMappedTableDetails().getTableName());
        }
        return List.copyOf(tables);
    }

    /**
     * The mover's eviction of moved buckets: here and, by a notification on the shard, in the other
     * instances. A notification that cannot be sent is logged, not thrown: the other instances evict
     * on their own when they follow the topology version (see {@link #followedMoves}).
     */
    static void evict(CacheRuntime cache, String shard, Set<Integer> buckets) {
        try {
            cache.evictBuckets(shard, buckets);
        } catch (RuntimeException e) {
            LOG.warn("could not notify the other instances of the cache eviction of {} moved buckets on shard '{}' (they evict"
                    + " when they follow the topology)", buckets.size(), shard, e);
        }
    }

    /**
     * Every instance, when it follows a topology version: the buckets whose shard changed are evicted
     * on their old and their new shard, and a bucket whose fence was released (MOVED to SERVING) on
     * its move's source and target, so that no instance serves an entry of a moved bucket from an
     * earlier stay on a shard, whoever ran the move (this JVM, another instance, the command line).
     * The mover waits for every live instance to follow before it releases a fence.
     */
    static java.util.function.Consumer<Topology> followedMoves(Topology initial, CacheRuntime cache) {
        java.util.concurrent.atomic.AtomicReference<Topology> last = new java.util.concurrent.atomic.AtomicReference<>(initial);
        return next -> {
            Topology prev = last.getAndSet(next);
            if (prev == null || prev.map().bucketCount() != next.map().bucketCount()) {
                next.map().shards().forEach(s -> cache.evictBucketsHere(s, allBuckets(next.map().bucketCount())));
                return;
            }
            Map<String, Set<Integer>> evict = new TreeMap<>();
            for (int b = 0; b < next.map().bucketCount(); b++) {
                String before = prev.map().shardOf(b);
                String after = next.map().shardOf(b);
                if (!before.equals(after)) {
                    evict.computeIfAbsent(before, k -> new TreeSet<>()).add(b);
                    evict.computeIfAbsent(after, k -> new TreeSet<>()).add(b);
                }
                BucketState was = prev.stateOf(b);
                if (was.phase() == BucketState.Phase.MOVED && next.stateOf(b).phase() == BucketState.Phase.SERVING) {
                    evict.computeIfAbsent(was.from(), k -> new TreeSet<>()).add(b);
                    evict.computeIfAbsent(was.to(), k -> new TreeSet<>()).add(b);
                }
            }
            evict.forEach(cache::evictBucketsHere);
        };
    }

    private static Set<Integer> allBuckets(int n) {
        Set<Integer> all = new TreeSet<>();
        for (int b = 0; b < n; b++) {
            all.add(b);
        }
        return all;
    }

    /**
     * The collection table of a sharded entity's element collection or join table, placed by its
     * owner: keyed by its foreign key when that references the owner's shard-key column (the owner
     * is sharded by its id), else through its owner's row.
     */
    private static MovedTable collectionTable(org.hibernate.persister.collection.CollectionPersister collection,
                                              ShardedEntityModel model, List<String> problems) {
        EntityPersister owner = collection.getOwnerEntityPersister();
        String ownerTable = owner.getMappedTableDetails().getTableName();
        var fk = collection.getAttributeMapping().getKeyDescriptor();
        List<String> keyColumns = new ArrayList<>();
        List<String> targetColumns = new ArrayList<>();
        fk.getKeyPart().forEachSelectable((i, selectable) -> keyColumns.add(selectable.getSelectionExpression()));
        fk.getTargetPart().forEachSelectable((i, selectable) -> targetColumns.add(selectable.getSelectionExpression()));
        List<String> ownerKey = new ArrayList<>();
        var attribute = owner.findAttributeMapping(model.keyAttribute());
        if (attribute != null) {
            attribute.forEachSelectable((i, selectable) -> ownerKey.add(selectable.getSelectionExpression()));
        } else if (model.keyAttribute().equals(model.idAttribute())) {
            owner.getIdentifierMapping().forEachSelectable((i, selectable) -> ownerKey.add(selectable.getSelectionExpression()));
        }
        if (keyColumns.size() != 1 || targetColumns.size() != 1 || ownerKey.size() != 1) {
            problems.add("collection " + collection.getRole() + " (table " + collection.getTableName() + ") references its owner "
                    + model.entityName() + " by columns " + keyColumns + "; a move places collection rows by a single-column"
                    + " foreign key to the owner");
            return null;
        }
        if (targetColumns.get(0).equals(ownerKey.get(0))) {
            return new MovedTable(collection.getTableName(), keyColumns.get(0));
        }
        return new MovedTable(collection.getTableName(), keyColumns.get(0),
                new MovedTable.Owner(ownerTable, targetColumns.get(0), ownerKey.get(0)));
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
        Map<String, ShardedEntityModel> owners = new java.util.HashMap<>();
        for (Class<?> entity : configuration.entities()) {
            ShardedEntityModel model = router.modelOrNull(entity);
            if (model != null) {
                owners.put(sessionFactory.getMappingMetamodel().getEntityDescriptor(entity).getEntityName(), model);
            }
        }
        List<String> problems = new ArrayList<>();
        sessionFactory.getMappingMetamodel().forEachCollectionDescriptor(collection -> {
            ShardedEntityModel model = owners.get(collection.getOwnerEntityPersister().getEntityName());
            if (model == null || collection.isOneToMany() || collection.isInverse()) {
                return; // not a sharded owner's, or no table of its own (the elements' rows move with their entity)
            }
            MovedTable moved = collectionTable(collection, model, problems);
            if (moved != null) {
                tables.add(moved);
            }
        });
        if (!problems.isEmpty()) {
            throw new io.github.shardingorm.resharding.ReshardingRefusedException("resharding", problems);
        }
        return List.copyOf(tables);
    }
}
