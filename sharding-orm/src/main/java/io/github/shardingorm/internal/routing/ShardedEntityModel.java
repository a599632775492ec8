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
 * @param parentId    when the {@code @ShardKey} is a {@code @ManyToOne} to the parent: reads the parent's id,
 *                    which is the key (no duplicate column: the foreign key is the key); null for a basic key
 */
public record ShardedEntityModel(
        Class<?> entityClass,
        String entityName,
        KeyAccessor key,
        KeyType keyType,
        String idAttribute,
        IdRouting idRouting,
        KeyAccessor parentId) {

    public ShardedEntityModel(Class<?> entityClass, String entityName, KeyAccessor key, KeyType keyType, String idAttribute,
                              IdRouting idRouting) {
        this(entityClass, entityName, key, keyType, idAttribute, idRouting, null);
    }

    /** Whether the key is an association to the parent (the key value is the parent's id). */
    public boolean keyIsAssociation() {
        return parentId != null;
    }

    /** The attribute name of the parent's id, for a key that is an association; else null. */
    public String parentIdAttribute() {
        return parentId == null ? null : parentId.attributeName();
    }

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
