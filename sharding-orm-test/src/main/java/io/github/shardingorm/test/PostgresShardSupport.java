package io.github.shardingorm.test;

import io.github.shardingorm.test.internal.SharedShardServer;

/**
 * Creates shard databases without the {@link PostgresShards @PostgresShards} annotation, for
 * example inside a {@code @ParameterizedTest} that runs over 1, 2 and 7 shards:
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ValueSource(ints = {1, 2, 7})
 * void countsAcrossShards(int count) {
 *     try (ShardDatabases shards = PostgresShardSupport.createDatabases(count)) { ... }
 * }
 * }</pre>
 *
 * The databases live on the same source as those of {@code @PostgresShards} (see
 * {@link PostgresTestSettings}). Databases not closed by the caller are dropped when the JUnit run
 * ends, or at the latest when the JVM exits.
 */
public final class PostgresShardSupport {

    private PostgresShardSupport() {
    }

    /**
     * Creates {@code count} fresh, empty databases.
     *
     * @param count the number of shards, at least 1
     * @return the databases; close them to drop them; never null
     * @throws IllegalArgumentException when {@code count < 1}
     * @throws PostgresTestException when no PostgreSQL source is available or a database cannot be created
     */
    public static ShardDatabases createDatabases(int count) {
        return SharedShardServer.createDatabases(count);
    }

    /**
     * @return a short description of the source shard databases are created on, starting it if
     *     needed (never with a password); never null
     * @throws PostgresTestException when no PostgreSQL source is available
     */
    public static String source() {
        return SharedShardServer.description();
    }
}
