package io.github.shardingorm.test;

import java.util.List;

/**
 * The ordered shard databases of one test class or of one
 * {@link PostgresShardSupport#createDatabases(int)} call. {@link #close()} drops them all; it is
 * idempotent. Instances given to {@link PostgresShards @PostgresShards} tests are closed by the
 * extension; do not close them yourself.
 */
public interface ShardDatabases extends Iterable<ShardDatabase>, AutoCloseable {

    /**
     * @return the databases in shard order ({@code s0} first); unmodifiable, never null or empty
     */
    List<ShardDatabase> list();

    /**
     * @param index the shard index, from 0
     * @return the shard database at that index; never null
     * @throws IndexOutOfBoundsException when there is no such shard
     */
    ShardDatabase get(int index);

    /**
     * @param id a shard id such as {@code "s1"}; not null
     * @return the shard database with that id; never null
     * @throws IllegalArgumentException when there is no shard with that id
     */
    ShardDatabase byId(String id);

    /**
     * @return the number of shards
     */
    int size();

    /**
     * @return a short description of where the databases live (never with a password); never null
     */
    String source();

    /**
     * Drops every database ({@code DROP DATABASE ... WITH (FORCE)}). Idempotent.
     *
     * @throws PostgresTestException when a database could not be dropped; the others are still dropped
     */
    @Override
    void close();
}
