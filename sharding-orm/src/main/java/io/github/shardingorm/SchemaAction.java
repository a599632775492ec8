package io.github.shardingorm;

/**
 * What to do with the mapped tables when {@link ShardedPersistence} starts, applied to EVERY
 * shard (Hibernate's own {@code hibernate.hbm2ddl.auto} would reach only one connection).
 */
public enum SchemaAction {
    /** Leave the schema alone (default). */
    NONE,
    /** Drop the mapped tables if they exist, then create them: for tests and demos; data is lost. */
    CREATE,
    /** Create missing tables, columns and constraints; never drops anything. */
    UPDATE,
    /** Check that every shard's schema matches the mappings; start-up fails listing each shard that does not. */
    VALIDATE
}
