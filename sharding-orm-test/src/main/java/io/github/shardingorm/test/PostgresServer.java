package io.github.shardingorm.test;

import io.github.shardingorm.test.internal.PrivateServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A private PostgreSQL server process started for a test, listening on {@code 127.0.0.1} with
 * trust authentication (including replication). Its superuser is {@link #username()}.
 *
 * <p>Every method that controls the process throws {@link PostgresTestException} when the command
 * fails; the message then contains the tail of the server log. Methods are thread-safe.
 * {@link #close()} stops the server and deletes its directory; servers not closed are closed when
 * the JUnit run ends, or at the latest when the JVM exits.
 */
public interface PostgresServer extends AutoCloseable {

    /**
     * Starts one server outside {@link PostgresServers @PostgresServers}.
     *
     * @param settings extra {@code postgresql.conf} settings as {@code "name=value"}; not null
     * @return the running server; close it when done; never null
     * @throws PostgresTestException when no binaries are found or the server does not start
     */
    static PostgresServer start(String... settings) {
        return PrivateServers.start(1, List.of(settings)).get(0);
    }

    /** @return an id such as {@code "pg0"} or {@code "pg0-replica1"}; never null */
    String id();

    /** @return {@code "127.0.0.1"}; never null */
    String host();

    /** @return the TCP port */
    int port();

    /** @return the superuser name; never null */
    String username();

    /**
     * @param database a database name; not null
     * @return a JDBC URL to that database on this server; never null
     */
    String jdbcUrl(String database);

    /** @return the data directory; never null */
    Path dataDirectory();

    /** @return the server log file; never null */
    Path logFile();

    /** @return true for a streaming replica made by {@link #createReplica()} */
    boolean isReplica();

    /** @return true while the server process runs */
    boolean isRunning();

    /** Starts the server if it is not running; waits until it accepts connections. */
    void start();

    /** Stops the server cleanly ({@code pg_ctl stop -m fast}) if it is running. */
    void stop();

    /**
     * Crashes the server ({@code pg_ctl stop -m immediate}): no shutdown checkpoint, the next
     * {@link #start()} runs crash recovery. Committed data survives.
     */
    void kill();

    /** Stops the server cleanly if running, then starts it. */
    void restart();

    /**
     * Sets a server setting with {@code ALTER SYSTEM SET} and applies it: by a reload, or by a
     * restart when the setting only changes at server start ({@code pg_settings.context = 'postmaster'}).
     *
     * @param name the setting name; not null
     * @param value the value, unquoted; not null
     */
    void setSetting(String name, String value);

    /**
     * @param name a setting name; not null
     * @return the current value, as {@code SHOW} prints it; never null
     */
    String showSetting(String name);

    /**
     * Creates an empty database.
     *
     * @param name the database name; not null
     * @throws PostgresTestException when it cannot be created, for example because it exists
     */
    void createDatabase(String name);

    /**
     * Opens a new connection as the superuser; the caller must close it.
     *
     * @param database a database name, {@code "postgres"} always exists; not null
     * @return a new connection; never null
     * @throws SQLException when the server cannot be reached, for example while it is stopped
     */
    Connection connect(String database) throws SQLException;

    /**
     * Creates a streaming replica of this server ({@code pg_basebackup -R -X stream}) in a new
     * directory, on its own port, and starts it. The replica is read-only and closed with this server.
     *
     * @return the running replica; never null
     */
    PostgresServer createReplica();

    /** Stops the server (and its replicas) and deletes its directory. Idempotent. */
    @Override
    void close();
}
