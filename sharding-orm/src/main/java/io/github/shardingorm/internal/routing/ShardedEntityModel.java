package io.github.shardingorm.internal.routing;

/**
 * What sharding-orm knows about one entity class: how to read its key, what type the key is,
 * and how its id routes.
 *
 * @param entityClass the configured entity class
 * @param entityName  the JPA entity name (for messages and queries)
 * @param key         reads the {@code @ShardKey} attribute
 * @param keyType     the normalized key type
 * @param idAttribute the name of the {@code @Id} attribute (null if none found, e.g. an id class)
 * @param idRouting   how an id alone routes
 */
public record ShardedEntityModel(
        Class<?> entityClass,
        String entityName,
        KeyAccessor key,
        KeyType keyType,
        String idAttribute,
        IdRouting idRouting) {

    /** How an id alone routes to a shard. */
    public enum IdRouting {
        /** The id is the shard key. */
        ID_IS_KEY,
        /** The id is a shard-aware id carrying its bucket. */
        SHARD_AWARE_ID,
        /** The id says nothing about the shard: callers must give the key. */
        NOT_ROUTABLE
    }

    public String keyAttribute() {
        return key.attributeName();
    }
}
