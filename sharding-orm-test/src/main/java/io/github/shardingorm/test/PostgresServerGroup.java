package io.github.shardingorm.test;

import io.github.shardingorm.test.internal.PrivateServers;
import java.util.List;

/**
 * The private servers of one {@link PostgresServers @PostgresServers} class or one
 * {@link #start(int, String...)} call, in start order. {@link #close()} closes them all.
 * Groups given to {@code @PostgresServers} tests are closed by the extension.
 */
public interface PostgresServerGroup extends Iterable<PostgresServer>, AutoCloseable {

    /**
     * Starts {@code count} private servers in parallel.
     *
     * @param count the number of servers, at least 1
     * @param settings extra {@code postgresql.conf} settings as {@code "name=value"}; not null
     * @return the running servers; close them when done; never null
     * @throws IllegalArgumentException when {@code count < 1} or a setting is not {@code name=value}
     * @throws PostgresTestException when no binaries are found or a server does not start; the
     *     servers that did start are closed again
     */
    static PostgresServerGroup start(int count, String... settings) {
        return PrivateServers.start(count, List.of(settings));
    }

    /** @return the servers ({@code pg0} first); unmodifiable, never null or empty */
    List<PostgresServer> servers();

    /**
     * @param index the server index, from 0
     * @return the server; never null
     * @throws IndexOutOfBoundsException when there is no such server
     */
    PostgresServer get(int index);

    /** @return the number of servers */
    int size();

    /** Closes every server of the group (and their replicas). Idempotent. */
    @Override
    void close();
}
