package io.github.shardingorm.internal.routing;

import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.spi.BucketedShardResolver;
import io.github.shardingorm.spi.ShardResolver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The router: entity instance / key / id &rarr; shard id.
 *
 * <p>Every path normalizes the key ({@link KeyType}), asks the bound {@link ShardResolver} and
 * turns every failure into a {@link io.github.shardingorm.ShardRoutingException} that names the
 * entity, the key and the shards. It never defaults to a shard and never fans out: the caller
 * either gets exactly one shard or an exception. The hot path (an entity instance) is a
 * {@link ClassValue} lookup, one attribute read, the key hash and an array lookup.
 *
 * <p>It knows nothing of Hibernate (a test keeps it so): the one Hibernate notion it needs, "the
 * real entity behind a lazy proxy", is handed in as a function by start-up.
 */
public final class ShardRouter {

    private final ShardResolver resolver;
    private final Map<Class<?>, ShardedEntityModel> models;
    private final List<String> shardIds;
    private final Set<String> shardIdSet;
    private final List<String> entityNames;
    private final Set<Class<?>> referenceClasses;
    private final UnaryOperator<Object> unproxy;
    private final UnaryOperator<Object> proxyIdentifier;
    private final BucketedShardResolver bucketedResolver;
    private Instrumentation instrumentation = Instrumentation.off();
    private final ClassValue<Class<?>> referenceByRuntimeClass = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                if (referenceClasses.contains(c)) {
                    return c;
                }
            }
            return null;
        }
    };
    private final ClassValue<ShardedEntityModel> byRuntimeClass = new ClassValue<>() {
        @Override
        protected ShardedEntityModel computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                ShardedEntityModel model = models.get(c);
                if (model != null) {
                    return model;
                }
            }
            return null;
        }
    };

    /** A router without reference entities, for entity instances that are never proxies (tests, benchmarks). */
    public ShardRouter(ShardResolver resolver, Map<Class<?>, ShardedEntityModel> models, List<String> shardIds) {
        this(resolver, models, shardIds, Set.of(), UnaryOperator.identity());
    }

    /**
     * @param referenceClasses the {@code @ReferenceTable} entities (copied to every shard, no key)
     * @param unproxy          the entity behind a lazy proxy (the instance itself when it is none)
     */
    public ShardRouter(ShardResolver resolver, Map<Class<?>, ShardedEntityModel> models, List<String> shardIds,
                       Set<Class<?>> referenceClasses, UnaryOperator<Object> unproxy) {
        this(resolver, models, shardIds, referenceClasses, unproxy, o -> null);
    }

    /**
     * @param proxyIdentifier the id of a lazy proxy without initializing it, or null when the instance is no proxy
     *                        (reads the key of an entity whose {@code @ShardKey} is its {@code @ManyToOne} parent)
     */
    public ShardRouter(ShardResolver resolver, Map<Class<?>, ShardedEntityModel> models, List<String> shardIds,
                       Set<Class<?>> referenceClasses, UnaryOperator<Object> unproxy, UnaryOperator<Object> proxyIdentifier) {
        this.referenceClasses = Set.copyOf(referenceClasses);
        this.unproxy = unproxy;
        this.proxyIdentifier = proxyIdentifier;
        this.resolver = resolver;
        this.models = Map.copyOf(models);
        this.shardIds = List.copyOf(shardIds);
        this.shardIdSet = Set.copyOf(shardIds);
        this.entityNames = models.values().stream().map(ShardedEntityModel::entityName).toList();
        this.bucketedResolver = resolver instanceof BucketedShardResolver b ? b : null;
    }

    /** Reports each routed key's bucket to the statistics (hot buckets); set once at start-up, before use. */
    public void instrument(Instrumentation instrumentation) {
        this.instrumentation = instrumentation;
    }

    /** Buckets in the final stage of a move (FENCED), or null when none: writes to them are refused. */
    private volatile boolean[] fenced;

    /** Sets the FENCED buckets (null: none); the stored topology's follower calls this. */
    public void fence(boolean[] fencedBuckets) {
        this.fenced = fencedBuckets;
        synchronized (fenceChanged) {
            fenceChanged.notifyAll();
        }
    }

    /** Notified whenever the fenced buckets change ({@link #fence}); waited on by {@link #awaitUnfenced}. */
    private final Object fenceChanged = new Object();

    /** Whether any of {@code buckets} is FENCED now. */
    public boolean anyFenced(java.util.Collection<Integer> buckets) {
        boolean[] f = fenced;
        if (f == null) {
            return false;
        }
        for (int b : buckets) {
            if (b >= 0 && b < f.length && f[b]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until none of {@code buckets} is FENCED any more (this instance adopted the version
     * that ends their final stage), at most {@code maxMillis}; no CPU while waiting.
     *
     * @return whether none of them is fenced now
     */
    public boolean awaitUnfenced(java.util.Collection<Integer> buckets, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        synchronized (fenceChanged) {
            while (anyFenced(buckets)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                fenceChanged.wait(Math.max(1, left / 1_000_000L));
            }
        }
        return true;
    }

    /** Per bucket, the shard a MOVED bucket left (null elsewhere), or null when no bucket is MOVED. */
    private volatile String[] movedFrom;

    /** Sets the shards MOVED buckets left (null: none); the stored topology's follower calls this. */
    public void movedFrom(String[] from) {
        this.movedFrom = from;
    }

    /** Whether {@code bucket} is MOVED away from {@code shard}: a write routed there is a stale route, not a bug. */
    public boolean movedAwayFrom(int bucket, String shard) {
        String[] m = movedFrom;
        return m != null && bucket < m.length && shard.equals(m[bucket]);
    }

    /**
     * Refuses a write of {@code entity} when its bucket is FENCED (the final stage of a move):
     * costs one volatile read while nothing is fenced.
     *
     * @throws io.github.shardingorm.ShardTopologyChangedException naming the bucket (retryable)
     */
    public void checkNotFenced(ShardedEntityModel model, Object entity, String shard) {
        boolean[] f = fenced;
        if (f == null || !isBucketed()) {
            return;
        }
        int bucket = bucketOfEntity(model, entity);
        if (bucket < f.length && f[bucket]) {
            long version = bucketed().shardMap().version();
            throw new io.github.shardingorm.ShardTopologyChangedException(shard, List.of(bucket), version, version + 1,
                    "bucket " + bucket + " of " + model.entityName() + " (key " + keyOf(model, entity) + ") is in the final stage of"
                            + " a move away from shard '" + shard + "' at topology version " + version
                            + "; writes to it wait for version " + (version + 1) + " (retry the transaction)", null);
        }
    }

    /**
     * The authoritative check of an entity write, made when its statement is about to run, on the
     * session's connection (checked out, so carrying this instance's topology version or an older
     * one): the entity's bucket must not be FENCED and must map to the session's shard by the
     * topology this instance routes by NOW. A write routed by an older map (the key was routed,
     * then the bucket moved before the connection was taken) is refused here; without this check
     * it would pass the source's fence trigger, since its connection carries the new version.
     * Costs the key's hash and two array reads; a strategy without buckets has no topology to check.
     *
     * @param stateful whether the session is a stateful one (whose persist/merge guards already
     *                 checked the routing: a difference now is a topology change); a stateless
     *                 session's mismatch of a SERVING bucket is a routing error as before
     * @throws io.github.shardingorm.ShardTopologyChangedException naming the bucket (retryable)
     */
    public void checkWriteNow(ShardedEntityModel model, Object entity, String sessionShard, String operation, boolean stateful) {
        BucketedShardResolver b = bucketedResolver;
        if (b == null) {
            return;
        }
        Object key = keyOf(model, entity);
        int bucket = b.bucketOf(key);
        boolean[] f = fenced;
        io.github.shardingorm.routing.ShardMap map = b.shardMap();
        if (f != null && bucket < f.length && f[bucket]) {
            long version = map.version();
            throw new io.github.shardingorm.ShardTopologyChangedException(sessionShard, List.of(bucket), version, version + 1,
                    operation + " of " + model.entityName() + " (key " + key + ") refused: its bucket " + bucket
                            + " is in the final stage of a move away from shard '" + sessionShard + "' at topology version "
                            + version + "; writes to it wait for version " + (version + 1) + " (retry the transaction)", null);
        }
        String owner = map.shardOf(bucket);
        if (!sessionShard.equals(owner)) {
            if (!stateful && !movedAwayFrom(bucket, sessionShard)) {
                throw RoutingErrors.wrongShard(model, key, owner, sessionShard, operation + " (stateless session)");
            }
            throw new io.github.shardingorm.ShardTopologyChangedException(sessionShard, List.of(bucket), map.version(), map.version(),
                    operation + " of " + model.entityName() + " (key " + key + ") refused: its bucket " + bucket + " maps to shard '"
                            + owner + "' at topology version " + map.version() + ", not to this session's shard '" + sessionShard
                            + "' (the bucket moved after the write was routed; retry the transaction)", null);
        }
    }

    /**
     * The FENCED buckets on {@code shard} now (empty when none): a bulk statement, which may touch
     * any row of the shard, is refused there until the move completes.
     */
    public List<Integer> fencedBucketsOn(String shard) {
        boolean[] f = fenced;
        if (f == null || bucketedResolver == null) {
            return List.of();
        }
        io.github.shardingorm.routing.ShardMap map = bucketedResolver.shardMap();
        List<Integer> out = new java.util.ArrayList<>();
        for (int bucket = 0; bucket < f.length; bucket++) {
            if (f[bucket] && shard.equals(map.shardOf(bucket))) {
                out.add(bucket);
            }
        }
        return out;
    }

    /** Whether any bucket is FENCED now: one volatile read (the fast path of every statement's fence check). */
    public boolean anyFenced() {
        return fenced != null;
    }

    /** Every FENCED bucket now, on whichever shard (empty when none). */
    public List<Integer> fencedBuckets() {
        boolean[] f = fenced;
        if (f == null || bucketedResolver == null) {
            return List.of();
        }
        List<Integer> out = new java.util.ArrayList<>();
        for (int bucket = 0; bucket < f.length; bucket++) {
            if (f[bucket]) {
                out.add(bucket);
            }
        }
        return out;
    }

    /**
     * Refuses a bulk or native write the application runs in its own session ({@code sql}, which
     * writes {@code table}, a table whose rows move with their buckets) on {@code shard} (null:
     * the session's shard is not known, so any shard with a FENCED bucket refuses it).
     *
     * @throws io.github.shardingorm.ShardTopologyChangedException naming the fenced buckets (retryable)
     */
    public void refuseOwnBulk(String shard, List<Integer> buckets, String table, String sql) {
        io.github.shardingorm.routing.ShardMap map = bucketedResolver.shardMap();
        long version = map.version();
        String where = shard != null ? "shard '" + shard + "'"
                : "a session whose shard is not bound to this thread (shard '" + map.shardOf(buckets.get(0)) + "' has them)";
        throw new io.github.shardingorm.ShardTopologyChangedException(shard != null ? shard : map.shardOf(buckets.get(0)), buckets,
                version, version + 1,
                "bulk or native write [" + abbreviate(sql) + "] of table " + table + " refused on " + where + ": buckets " + buckets
                        + " are in the final stage of a move at topology version " + version
                        + " and the statement may touch their rows (retry the transaction; orm.executeUpdate checks per shard)", null);
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 200 ? sql : sql.substring(0, 200) + "...";
    }

    /**
     * Refuses a bulk statement (HQL or native UPDATE/DELETE, which may touch any row of the shard)
     * on {@code shard} while a bucket of it is FENCED; call it on the statement's checked-out
     * connection (the same invariant as {@link #checkWriteNow}).
     *
     * @throws io.github.shardingorm.ShardTopologyChangedException naming the fenced buckets (retryable)
     */
    public void checkBulk(String shard, String statement) {
        List<Integer> buckets = fencedBucketsOn(shard);
        if (!buckets.isEmpty()) {
            long version = bucketedResolver.shardMap().version();
            throw new io.github.shardingorm.ShardTopologyChangedException(shard, buckets, version, version + 1,
                    "bulk statement [" + statement + "] refused on shard '" + shard + "': its buckets " + buckets
                            + " are in the final stage of a move at topology version " + version
                            + " and a bulk statement may touch their rows (retry the statement)", null);
        }
    }

    /** The version of the shard map this router routes by (0 without buckets): compare it to see whether routing may have changed. */
    public long mapVersion() {
        BucketedShardResolver b = bucketedResolver;
        return b == null ? 0 : b.shardMap().version();
    }

    /** The {@code @ReferenceTable} entity classes. */
    public Set<Class<?>> referenceClasses() {
        return referenceClasses;
    }

    /** Whether {@code type} (or a superclass, e.g. behind a proxy) is a {@code @ReferenceTable} entity. */
    public boolean isReference(Class<?> type) {
        return referenceClassOf(type) != null;
    }

    /** The configured reference class that {@code type} is or extends, or null. */
    public Class<?> referenceClassOf(Class<?> type) {
        return referenceClasses.isEmpty() ? null : referenceByRuntimeClass.get(type);
    }

    public ShardResolver resolver() {
        return resolver;
    }

    public List<String> shardIds() {
        return shardIds;
    }

    public boolean isBucketed() {
        return resolver instanceof BucketedShardResolver;
    }

    /** The bucketed resolver, or null when the strategy is not bucketed. */
    public BucketedShardResolver bucketed() {
        return resolver instanceof BucketedShardResolver b ? b : null;
    }

    /** The model of a (possibly proxied or subclassed) entity class; throws when it is not sharded. */
    public ShardedEntityModel model(Class<?> type) {
        ShardedEntityModel model = byRuntimeClass.get(type);
        if (model == null) {
            if (isReference(type)) {
                throw RoutingErrors.referenceHasNoKey(type);
            }
            throw RoutingErrors.unmanagedEntity(type, entityNames);
        }
        return model;
    }

    /** The model, or null when {@code type} is not a sharded entity. */
    public ShardedEntityModel modelOrNull(Class<?> type) {
        return byRuntimeClass.get(type);
    }

    public void checkShard(String shardId) {
        if (shardId == null || !shardIdSet.contains(shardId)) {
            throw RoutingErrors.unknownShard(shardId, shardIds);
        }
    }

    /** The normalized key of an entity instance; throws when it is null. */
    public Object keyOf(ShardedEntityModel model, Object entity) {
        Object raw = keyFromAttribute(model, model.key().read(unproxy.apply(entity)));
        if (raw == null) {
            throw RoutingErrors.nullKey(model);
        }
        return raw instanceof Long ? raw : model.keyType().normalize(raw);
    }

    /**
     * The raw key held by a value of the key attribute: the value itself, or for a key that is the
     * {@code @ManyToOne} parent, the parent's id (read off a lazy proxy without initializing it); null when null.
     */
    public Object keyFromAttribute(ShardedEntityModel model, Object attributeValue) {
        if (!model.keyIsAssociation() || attributeValue == null) {
            return attributeValue;
        }
        Object id = proxyIdentifier.apply(attributeValue);
        return id != null ? id : model.parentId().read(unproxy.apply(attributeValue));
    }

    /** The shard of an entity instance (counted in the statistics' bucket sketch: work on it follows). */
    public String shardOfEntity(Object entity) {
        return shardOfEntity(entity, true);
    }

    /**
     * The shard of an entity instance as an answer to a question ({@code orm.shardOfEntity}): not
     * counted in the bucket sketch, which counts operations.
     */
    public String shardOfEntityAsked(Object entity) {
        return shardOfEntity(entity, false);
    }

    private String shardOfEntity(Object entity, boolean count) {
        if (entity == null) {
            throw new IllegalArgumentException("entity must not be null");
        }
        ShardedEntityModel model = model(entity.getClass());
        return shardOfNormalizedKey(model.entityName(), keyOf(model, entity), count);
    }

    /** The shard of a key given for an entity: the key's type must match the entity's key type. */
    public String shardOfKey(ShardedEntityModel model, Object rawKey) {
        return shardOfKey(model, rawKey, true);
    }

    /**
     * {@link #shardOfKey(ShardedEntityModel, Object)} for a check of work already routed (the guards
     * of a session's writes): not counted again in the statistics' bucket sketch, so that a write is
     * one routed key like a read, not two or three.
     */
    public String shardOfKeyForCheck(ShardedEntityModel model, Object rawKey) {
        return shardOfKey(model, rawKey, false);
    }

    /** {@link #shardOfKey(ShardedEntityModel, Object)} as an answer to a question ({@code orm.shardOf}): not counted. */
    public String shardOfKeyAsked(ShardedEntityModel model, Object rawKey) {
        return shardOfKey(model, rawKey, false);
    }

    private String shardOfKey(ShardedEntityModel model, Object rawKey, boolean count) {
        if (rawKey == null) {
            throw RoutingErrors.nullKey(model.entityName());
        }
        Object key = model.keyType().normalize(rawKey);
        if (key == null) {
            throw RoutingErrors.wrongKeyType(model, rawKey);
        }
        return shardOfNormalizedKey(model.entityName(), key, count);
    }

    /** The shard of a key with no entity named: normalized by its own type. */
    public String shardOfKey(Object rawKey) {
        return shardOfKey(rawKey, true);
    }

    /** {@link #shardOfKey(Object)} as an answer to a question ({@code orm.shardOf(key)}): not counted in the bucket sketch. */
    public String shardOfKeyAsked(Object rawKey) {
        return shardOfKey(rawKey, false);
    }

    private String shardOfKey(Object rawKey, boolean count) {
        if (rawKey == null) {
            throw RoutingErrors.nullKey((String) null);
        }
        KeyType type = KeyType.ofValue(rawKey);
        if (type == null) {
            throw RoutingErrors.unsupportedKeyType(rawKey);
        }
        return shardOfNormalizedKey(null, type.normalize(rawKey), count);
    }

    /** The bucket of an entity's key (bucketed strategies only). */
    public int bucketOfEntity(ShardedEntityModel model, Object entity) {
        return bucketed().bucketOf(keyOf(model, entity));
    }

    /** The shard an id routes to on its own; throws when the id cannot route alone. */
    public String shardOfId(ShardedEntityModel model, Object id) {
        if (id == null) {
            throw RoutingErrors.nullId(model);
        }
        switch (model.idRouting()) {
            case ID_IS_KEY:
                return shardOfKey(model, id);
            case SHARD_AWARE_ID:
                if (!(id instanceof Long longId)) {
                    throw RoutingErrors.badShardAwareId(model, id, "a @ShardedId is a Long but this is a " + id.getClass().getName());
                }
                if (!ShardAwareId.isPlausible(longId)) {
                    throw RoutingErrors.badShardAwareId(model, id, "a @ShardedId is positive");
                }
                int bucket = ShardAwareId.bucketOf(longId);
                io.github.shardingorm.routing.ShardMap map = bucketed().shardMap(); // read once: it may be replaced meanwhile
                if (bucket >= map.bucketCount()) {
                    throw RoutingErrors.badShardAwareId(model, id, "it carries bucket " + bucket + " but the shard map has only "
                            + map.bucketCount() + " buckets (an id from another cluster?)");
                }
                String shard = map.shardOf(bucket);
                if (shard == null) {
                    throw RoutingErrors.badShardAwareId(model, id, "its bucket " + bucket + " maps to no shard");
                }
                instrumentation.keyRouted(shard, bucket);
                return shard;
            default:
                throw RoutingErrors.idNotRoutable(model, id);
        }
    }

    private String shardOfNormalizedKey(String entityName, Object key) {
        return shardOfNormalizedKey(entityName, key, true);
    }

    private String shardOfNormalizedKey(String entityName, Object key, boolean count) {
        String shard;
        try {
            if (count && bucketedResolver != null && instrumentation.isActive()) {
                int bucket = bucketedResolver.bucketOf(key);
                shard = bucketedResolver.shardMap().shardOf(bucket);
                if (shard != null) {
                    instrumentation.keyRouted(shard, bucket);
                }
            } else {
                shard = resolver.shardOf(key);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw RoutingErrors.resolverRejected(entityName, key, resolver.name(), e);
        }
        if (shard == null) {
            throw RoutingErrors.noShardForKey(entityName, key, resolver.name(), shardIds);
        }
        return shard;
    }
}
