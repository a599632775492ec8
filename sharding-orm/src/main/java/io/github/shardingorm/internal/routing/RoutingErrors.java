package io.github.shardingorm.internal.routing;

import io.github.shardingorm.ShardRoutingException;
import java.util.Collection;

/** Named factories for the routing exceptions, so every message names entity, key and shard the same way. */
public final class RoutingErrors {

    private RoutingErrors() {
    }

    public static ShardRoutingException nullKey(ShardedEntityModel model) {
        return new ShardRoutingException("Cannot route " + model.entityName() + ": its @ShardKey '" + model.keyAttribute()
                + "' is null. Set the key before saving; nothing was written.", model.entityName(), null, null);
    }

    public static ShardRoutingException nullKey(String entityName) {
        return new ShardRoutingException("Cannot route " + (entityName == null ? "an operation" : entityName)
                + ": the shard key is null", entityName, null, null);
    }

    public static ShardRoutingException nullId(ShardedEntityModel model) {
        return new ShardRoutingException("Cannot route " + model.entityName() + " by id: the id is null (an id routes alone only when it"
                + " is the @ShardKey or a @ShardedId; with a known key use findById(key, id))", model.entityName(), null, null);
    }

    public static ShardRoutingException wrongKeyType(ShardedEntityModel model, Object key) {
        return new ShardRoutingException("Cannot route " + model.entityName() + " with key " + describe(key) + " of type "
                + key.getClass().getName() + ": @ShardKey '" + model.keyAttribute() + "' is "
                + describe(model.keyType()), model.entityName(), key, null);
    }

    public static ShardRoutingException unsupportedKeyType(Object key) {
        return new ShardRoutingException("Cannot route key " + describe(key) + " of type " + key.getClass().getName()
                + ": shard keys are long/int/short/byte (and wrappers), String or UUID", null, key, null);
    }

    public static ShardRoutingException noShardForKey(String entityName, Object key, String strategy, Collection<String> shards) {
        return new ShardRoutingException("Cannot route " + (entityName == null ? "key" : entityName + " key") + " "
                + describe(key) + ": the " + strategy + " strategy maps it to no shard (shards: " + shards + ")",
                entityName, key, null);
    }

    public static ShardRoutingException resolverRejected(String entityName, Object key, String strategy, RuntimeException cause) {
        return new ShardRoutingException("Cannot route " + (entityName == null ? "key" : entityName + " key") + " "
                + describe(key) + " of type " + key.getClass().getName() + " with the " + strategy + " strategy: "
                + cause.getMessage(), entityName, key, null, cause);
    }

    public static ShardRoutingException referenceHasNoKey(Class<?> type) {
        return new ShardRoutingException("Entity " + type.getSimpleName() + " is a @ReferenceTable, copied to every shard, and has"
                + " no shard key: read it in any session, write it with ShardedPersistence.references()",
                type.getSimpleName(), null, null);
    }

    public static ShardRoutingException referenceWrittenOnOneShard(Class<?> type, String operation, Object sessionShard) {
        String name = type.getSimpleName();
        return new ShardRoutingException("Cannot " + operation + " " + name + " in a session on shard '" + sessionShard + "': "
                + name + " is a @ReferenceTable copied to every shard, and this would change one copy only. Write it with"
                + " ShardedPersistence.references().save(entity) / delete(type, id); nothing was written.",
                name, null, String.valueOf(sessionShard));
    }

    public static ShardRoutingException unknownShard(String shardId, Collection<String> shards) {
        return new ShardRoutingException("Unknown shard '" + shardId + "' (shards: " + shards + ")", null, null, shardId);
    }

    public static ShardRoutingException idNotRoutable(ShardedEntityModel model, Object id) {
        return new ShardRoutingException("Cannot route " + model.entityName() + " by id " + describe(id)
                + " alone: its id is neither its @ShardKey nor a @ShardedId. Pass the key too, e.g. findById(key, id) with the '"
                + model.keyAttribute() + "' value; sharding-orm never searches every shard silently.",
                model.entityName(), id, null);
    }

    public static ShardRoutingException badShardAwareId(ShardedEntityModel model, Object id, String why) {
        return new ShardRoutingException("Cannot route " + model.entityName() + " by id " + describe(id) + ": " + why,
                model.entityName(), id, null);
    }

    public static ShardRoutingException unmanagedEntity(Class<?> type, Collection<String> entityNames) {
        return new ShardRoutingException("Class " + type.getName() + " is not a sharded entity of this persistence unit "
                + "(entities: " + entityNames + "); add it to entities(...)", type.getSimpleName(), null, null);
    }

    public static ShardRoutingException wrongShard(ShardedEntityModel model, Object key, String keyShard, String sessionShard, String operation) {
        return new ShardRoutingException("Cannot " + operation + " " + model.entityName() + " with " + model.keyAttribute() + "="
                + describe(key) + " in a session on shard '" + sessionShard + "': the key routes to shard '" + keyShard
                + "'. Open the session with that key (inTransaction(key, ...)); nothing was written.",
                model.entityName(), key, keyShard);
    }

    public static ShardRoutingException keyChanged(ShardedEntityModel model, Object id, Object oldKey, Object newKey, String shard) {
        return new ShardRoutingException("Cannot change the @ShardKey '" + model.keyAttribute() + "' of persistent "
                + model.entityName() + " (id " + describe(id) + ") from " + describe(oldKey) + " to " + describe(newKey)
                + " on shard '" + shard + "': the row would be stranded on the wrong shard. Delete it and save a new one "
                + "instead; nothing was flushed.", model.entityName(), newKey, shard);
    }

    static String describe(Object key) {
        if (key == null) {
            return "null";
        }
        return key instanceof String s ? "'" + s + "'" : String.valueOf(key);
    }

    private static String describe(KeyType type) {
        return switch (type) {
            case INTEGRAL -> "integral (long/int/short/byte)";
            case TEXT -> "a String";
            case UUID -> "a UUID";
        };
    }
}
