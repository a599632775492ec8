package io.github.shardingorm.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.shardingorm.cache.CacheConfig;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.Type;

/**
 * The cache-aside of keyed {@code findById} for one entity: a Caffeine cache keyed by (shard, id).
 * A hit returns a fresh detached copy and touches no shard.
 *
 * <h2>Leases</h2>
 * A slow reader must not put back a value older than a concurrent write (the race of "Scaling
 * Memcache at Facebook", NSDI 2013). A miss first takes a lease: it stores a {@link Lease} object under
 * the key, then reads the shard, then replaces exactly that lease by the value
 * ({@code ConcurrentMap.replace(key, lease, value)}, identity). An invalidation removes whatever is
 * under the key, lease included, so a reader whose read may predate the write finds its lease gone
 * and puts nothing. An invalidation is applied after the write committed (locally after commit,
 * remotely when the notification arrives, which PostgreSQL sends at commit), and a reader reads only
 * after its lease is in place: a reader whose lease survives read after the commit.
 * A second reader replacing the first one's lease makes the first one's put fail; one of them puts.
 *
 * <p>While the shard's invalidation listener is down ({@code listening} false) a miss reads the shard
 * and puts nothing: a write in another instance could not reach this cache.
 */
public final class CacheAside {

    record Key(String shard, Object id) {
    }

    /** A reader's claim on a missing key; compared by identity. */
    static final class Lease {
    }

    record Value(Object snapshot, int bucket) {
    }

    private final String region;
    private final EntityPersister persister;
    private final SessionFactoryImplementor sessionFactory;
    private final Type[] types;
    private final ToIntFunction<Object> bucketOf;
    private final Predicate<String> listening;
    private final CacheCounters counters;
    private final Cache<Key, Object> cache;
    private final ConcurrentMap<Key, Object> map;
    private final ConcurrentMap<String, CacheCounters.Counts> countsByShard = new java.util.concurrent.ConcurrentHashMap<>();

    CacheAside(EntityPersister persister, SessionFactoryImplementor sessionFactory, CacheConfig.Region size,
               ToIntFunction<Object> bucketOf, Predicate<String> listening, CacheCounters counters) {
        this.region = persister.getEntityName() + "#aside";
        this.persister = persister;
        this.sessionFactory = sessionFactory;
        this.types = persister.getPropertyTypes();
        this.bucketOf = bucketOf;
        this.listening = listening;
        this.counters = counters;
        this.cache = Caffeine.newBuilder().maximumSize(size.maximumEntries()).expireAfterWrite(size.timeToLive()).build();
        this.map = cache.asMap();
    }

    String region() {
        return region;
    }

    private CacheCounters.Counts countsOf(String shard) {
        CacheCounters.Counts c = countsByShard.get(shard);
        return c != null ? c : countsByShard.computeIfAbsent(shard, s -> counters.of(region, s));
    }

    /**
     * The entity with this id on this shard: from the cache, or loaded by {@code loader} (which reads
     * the shard and may return null) and put under a lease.
     */
    public Object find(String shard, Object id, Supplier<?> loader) {
        Key key = new Key(shard, id);
        Object entry = map.get(key);
        CacheCounters.Counts counts = countsOf(shard);
        if (entry instanceof Value v) {
            counts.hits.increment();
            return copy(v.snapshot());
        }
        counts.misses.increment();
        if (!listening.test(shard)) {
            return loader.get();
        }
        Lease lease = new Lease();
        Object current = map.compute(key, (k, old) -> old instanceof Value ? old : lease);
        if (current instanceof Value v) {
            return copy(v.snapshot());
        }
        Object loaded;
        try {
            loaded = loader.get();
        } catch (RuntimeException | Error e) {
            map.remove(key, lease);
            throw e;
        }
        if (loaded == null) {
            map.remove(key, lease);
            return null;
        }
        Value value = new Value(copy(loaded), bucketOf.applyAsInt(loaded));
        if (map.replace(key, lease, value)) {
            counts.puts.increment();
        }
        return loaded;
    }

    /** Evicts one entity (its lease too, if a reader holds one). */
    void invalidate(String shard, Object id) {
        Object old = map.remove(new Key(shard, id));
        if (old instanceof Value) {
            counters.of(region, shard).evictions.increment();
        }
    }

    /** Evicts every entry of one shard. */
    void invalidateShard(String shard) {
        evictIf(shard, v -> true);
    }

    /** Evicts the entries of these buckets on one shard (and every lease of the shard). */
    void evictBuckets(String shard, Set<Integer> buckets) {
        evictIf(shard, v -> buckets.contains(v.bucket()));
    }

    private void evictIf(String shard, Predicate<Value> which) {
        int[] evicted = {0};
        map.entrySet().removeIf(e -> {
            if (!e.getKey().shard().equals(shard)) {
                return false;
            }
            if (e.getValue() instanceof Value v) {
                if (which.test(v)) {
                    evicted[0]++;
                    return true;
                }
                return false;
            }
            return true; // a lease: its reader cannot tell whether its read predates the move
        });
        if (evicted[0] > 0) {
            counters.of(region, shard).evictions.add(evicted[0]);
        }
    }

    void clear() {
        map.clear();
    }

    /** Entries (values and leases) held now, for tests. */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** The values held now, for tests. */
    Collection<Object> values() {
        return map.values();
    }

    /** A detached copy: a new instance with the id and every attribute value deep-copied by its type. */
    private Object copy(Object entity) {
        Object[] values = persister.getValues(entity);
        for (int i = 0; i < values.length; i++) {
            values[i] = types[i].deepCopy(values[i], sessionFactory);
        }
        Object copy = persister.getRepresentationStrategy().getInstantiator().instantiate();
        persister.setValues(copy, values);
        persister.setIdentifier(copy, persister.getIdentifier(entity, (org.hibernate.engine.spi.SharedSessionContractImplementor) null), null);
        return copy;
    }
}
