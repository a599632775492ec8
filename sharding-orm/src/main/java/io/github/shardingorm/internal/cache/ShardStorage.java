package io.github.shardingorm.internal.cache;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import javax.cache.Cache;
import org.hibernate.cache.internal.CacheKeyImplementation;
import org.hibernate.cache.internal.NaturalIdCacheKey;
import org.hibernate.cache.spi.access.SoftLock;
import org.hibernate.cache.spi.support.DomainDataStorageAccess;
import org.hibernate.engine.spi.SharedSessionContractImplementor;

/**
 * One region's storage: a JCache {@link Cache}, counted per shard, and for the query results region
 * keyed per shard too.
 *
 * <p>Entity, collection and natural-id keys carry the tenant (the shard) in {@code equals} with the
 * default keys factory, so they are stored as they come. Query results keys ({@code QueryKey}) do
 * not: the SQL, the parameters and the limits are the same on every shard, so the same cacheable
 * query on two shards would share one entry. With {@code shardScoped} the key is wrapped with the
 * session's shard before it reaches the cache.
 *
 * <p>While a shard's invalidation listener is down ({@code listening} false), reads of its entries
 * miss and loads put nothing: another instance's write could not reach them.
 */
final class ShardStorage implements DomainDataStorageAccess {

    /** A query results key with the shard it was computed on. */
    record ShardScopedKey(String shard, Object key) {
    }

    private final String region;
    private final Cache<Object, Object> cache;
    private final CacheCounters counters;
    private final boolean shardScoped;
    private final Predicate<String> listening;
    private final ToLongFunction<String> flushedAt;

    ShardStorage(String region, Cache<Object, Object> cache, CacheCounters counters, boolean shardScoped, Predicate<String> listening,
                 ToLongFunction<String> flushedAt) {
        this.region = region;
        this.cache = cache;
        this.counters = counters;
        this.shardScoped = shardScoped;
        this.listening = listening;
        this.flushedAt = flushedAt;
    }

    /**
     * Whether a value loaded by this session may be put: the shard is listening, and the session's
     * transaction started after the shard was last flushed (a read from before the flush may
     * predate a write whose notification was lost).
     */
    private boolean mayPut(String shard, SharedSessionContractImplementor session) {
        return listening.test(shard) && (session == null
                || session.getCacheTransactionSynchronization().getCachingTimestamp() > flushedAt.applyAsLong(shard));
    }

    String region() {
        return region;
    }

    Cache<Object, Object> cache() {
        return cache;
    }

    private Object scoped(Object key, SharedSessionContractImplementor session) {
        if (!shardScoped) {
            return key;
        }
        if (session == null || session.getTenantIdentifier() == null) {
            throw new IllegalStateException("query results region '" + region + "' used without a shard (tenant) session");
        }
        return new ShardScopedKey(session.getTenantIdentifier(), key);
    }

    static String shardOf(Object key, SharedSessionContractImplementor session) {
        if (key instanceof CacheKeyImplementation k) {
            return k.getTenantId();
        }
        if (key instanceof ShardScopedKey k) {
            return k.shard();
        }
        if (key instanceof NaturalIdCacheKey k) {
            return k.getTenantId();
        }
        return session == null ? CacheCounters.ALL_SHARDS : session.getTenantIdentifier();
    }

    @Override
    public Object getFromCache(Object key, SharedSessionContractImplementor session) {
        Object k = scoped(key, session);
        String shard = shardOf(k, session);
        CacheCounters.Counts counts = counters.of(region, shard);
        if (!listening.test(shard)) {
            counts.misses.increment(); // another instance's write could not reach this entry
            return null;
        }
        Object value = cache.get(k);
        if (value == null || value instanceof SoftLock) {
            counts.misses.increment();
        } else {
            counts.hits.increment();
        }
        return value;
    }

    @Override
    public void putFromLoad(Object key, Object value, SharedSessionContractImplementor session) {
        Object k = scoped(key, session);
        if (mayPut(shardOf(k, session), session)) {
            putScoped(k, value, session);
        }
    }

    @Override
    public void putIntoCache(Object key, Object value, SharedSessionContractImplementor session) {
        Object k = scoped(key, session);
        if (shardScoped && !mayPut(shardOf(k, session), session)) {
            return; // query results read while no invalidation can reach them
        }
        putScoped(k, value, session);
    }

    private void putScoped(Object k, Object value, SharedSessionContractImplementor session) {
        cache.put(k, value);
        if (!(value instanceof SoftLock)) {
            counters.of(region, shardOf(k, session)).puts.increment();
        }
    }

    @Override
    public void removeFromCache(Object key, SharedSessionContractImplementor session) {
        Object k = scoped(key, session);
        if (cache.remove(k)) {
            counters.of(region, shardOf(k, session)).evictions.increment();
        }
    }

    @Override
    public void clearCache(SharedSessionContractImplementor session) {
        cache.clear();
    }

    @Override
    public boolean contains(Object key) {
        if (shardScoped) {
            // Hibernate asks contains() only of domain data; a scoped key needs the shard, which is not given here
            return false;
        }
        return cache.containsKey(key);
    }

    @Override
    public void evictData() {
        cache.clear();
    }

    @Override
    public void evictData(Object key) {
        if (shardScoped) {
            throw new UnsupportedOperationException("a query results key has no shard without its session");
        }
        if (cache.remove(key)) {
            counters.of(region, shardOf(key, null)).evictions.increment();
        }
    }

    /** Removes every entry of one shard (a flush after a listener reconnected, a bucket moved); returns how many. */
    int evictShard(String shard) {
        List<Object> keys = new ArrayList<>();
        for (Iterator<Cache.Entry<Object, Object>> it = cache.iterator(); it.hasNext(); ) {
            Object key = it.next().getKey();
            if (shard.equals(shardOf(key, null))) {
                keys.add(key);
            }
        }
        for (Object key : keys) {
            cache.remove(key);
        }
        if (!keys.isEmpty()) {
            counters.of(region, shard).evictions.add(keys.size());
        }
        return keys.size();
    }

    @Override
    public void release() {
        cache.close();
    }
}
