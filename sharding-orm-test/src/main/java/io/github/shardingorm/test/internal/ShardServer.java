package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A server that shard databases are created on, whatever its source: an existing server, a
 * container or a private server. {@link #close()} releases what was started for it (nothing for
 * an existing server).
 */
final class ShardServer implements AutoCloseable {

    private final String description;
    private final String adminUrl;
    private final String username;
    private final String password;
    private final AutoCloseable owner;

    /**
     * @param description where the server is, without secrets
     * @param adminUrl a JDBC URL to a database that always exists
     * @param password may be empty, never null
     * @param owner what to close with the server; null for nothing
     */
    ShardServer(String description, String adminUrl, String username, String password, AutoCloseable owner) {
        this.description = description;
        this.adminUrl = adminUrl;
        this.username = username;
        this.password = password;
        this.owner = owner;
    }

    String description() {
        return description;
    }

    String username() {
        return username;
    }

    String password() {
        return password;
    }

    String jdbcUrl(String database) {
        return JdbcUrls.withDatabase(adminUrl, database);
    }

    Connection connectAdmin() throws SQLException {
        return Jdbc.connect(adminUrl, username, password);
    }

    /**
     * @throws PostgresTestException when what was started for the server cannot be stopped
     */
    @Override
    public void close() {
        if (owner == null) {
            return;
        }
        try {
            owner.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new PostgresTestException("cannot stop " + description, e);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
