package io.github.shardingorm.internal.cache;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.cache.spi.access.AccessType;
import org.hibernate.cache.spi.access.CachedDomainDataAccess;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.metamodel.MappingMetamodel;
import org.hibernate.persister.collection.CollectionPersister;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Applies invalidations from another instance (or a flush) to this instance's caches on one shard.
 *
 * <p>A second-level entry of a {@code READ_WRITE} region is not just removed: it is locked and
 * unlocked, which leaves a soft lock stamped now. Hibernate's put-from-load refuses it to any loader
 * whose transaction started before (its read may predate the write), which is the lease of the
 * second-level cache; a loader that started later read after the commit. Query results are
 * invalidated through the timestamps of the tables written, as for a local write.
 *
 * <p>Order matters: the second-level entry is locked out before the cache-aside entry is removed,
 * because a cache-aside miss loads through the second-level cache (found the other way round, a
 * reader could take a new lease, read the old second-level entry and put it back).
 */
final class InvalidationApplier {

    private final SessionFactoryImplementor sessionFactory;
    private final CacheRuntime runtime;

    InvalidationApplier(SessionFactoryImplementor sessionFactory, CacheRuntime runtime) {
        this.sessionFactory = sessionFactory;
        this.runtime = runtime;
    }

    void apply(String shard, List<Invalidation> invalidations) {
        MappingMetamodel model = sessionFactory.getMappingMetamodel();
        Set<String> spaces = new HashSet<>();
        try (SharedSessionContractImplementor session = (SharedSessionContractImplementor) sessionFactory.withOptions()
                .tenantIdentifier((Object) shard).openSession()) {
            for (Invalidation i : invalidations) {
                switch (i.kind()) {
                    case ENTITY -> {
                        EntityPersister p = model.findEntityDescriptor(i.name());
                        if (p != null) {
                            // the second-level entry first: a cache-aside miss after this reads through it, and must
                            // not find the old value there and put it back under a fresh lease
                            if (p.canWriteToCache()) {
                                lockOut(p.getCacheAccessStrategy(), p.getCacheAccessStrategy().generateCacheKey(i.id(), p, sessionFactory, shard), session, shard);
                            }
                            if (p.hasNaturalIdCache()) {
                                sessionFactory.getCache().evictNaturalIdData(p.getEntityName());
                            }
                            runtime.asideInvalidate(p.getEntityName(), shard, i.id());
                            spaces.addAll(List.of(p.getPropertySpaces()));
                        }
                    }
                    case COLLECTION -> {
                        CollectionPersister c = collection(model, i.name());
                        if (c != null && c.hasCache()) {
                            lockOut(c.getCacheAccessStrategy(), c.getCacheAccessStrategy().generateCacheKey(i.id(), c, sessionFactory, shard), session, shard);
                        }
                    }
                    case INSERT -> {
                        EntityPersister p = model.findEntityDescriptor(i.name());
                        if (p != null) {
                            spaces.addAll(List.of(p.getPropertySpaces()));
                        }
                    }
                    case REGION -> {
                        EntityPersister p = model.findEntityDescriptor(i.name());
                        if (p != null) {
                            runtime.flushEntity(p, shard);
                            spaces.addAll(List.of(p.getPropertySpaces()));
                        } else {
                            runtime.flushShard(shard);
                        }
                    }
                    case ALL -> runtime.flushShard(shard);
                    case BUCKETS -> runtime.evictBucketsLocally(shard, buckets(i.name()));
                }
            }
            if (!spaces.isEmpty() && runtime.queryCacheOn()) {
                sessionFactory.getCache().getTimestampsCache().invalidate(spaces.toArray(String[]::new), session);
            }
        }
    }

    private static CollectionPersister collection(MappingMetamodel model, String role) {
        try {
            return model.getCollectionDescriptor(role);
        } catch (RuntimeException unknown) {
            return null;
        }
    }

    private void lockOut(CachedDomainDataAccess access, Object key, SharedSessionContractImplementor session, String shard) {
        if (access.getAccessType() == AccessType.READ_WRITE) {
            SoftLock lock = access.lockItem(session, key, null);
            access.unlockItem(session, key, lock);
        } else {
            access.evict(key);
        }
        runtime.countEviction(access.getRegion().getName(), shard);
    }

    static Set<Integer> buckets(String text) {
        Set<Integer> buckets = new TreeSet<>();
        if (text != null) {
            for (String b : text.split(",")) {
                if (!b.isBlank()) {
                    buckets.add(Integer.parseInt(b.strip()));
                }
            }
        }
        return buckets;
    }
}
