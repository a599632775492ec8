package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** Reads and changes the settings of a running server through SQL ({@code SHOW}, {@code ALTER SYSTEM}). */
final class ServerSettings {

    /** Opens a superuser connection to the server's {@code postgres} database. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(3);

    private ServerSettings() {
    }

    static String show(String serverId, Connector connector, String name) {
        ServerConfiguration.requireValidName(name);
        try (Connection connection = connector.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT current_setting(?)")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new PostgresTestException(serverId + ": cannot read setting " + name + " [SQLState " + e.getSQLState() + "]: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the setting with {@code ALTER SYSTEM SET}; reloads the configuration unless the setting
     * only changes at server start, and then waits (briefly) until new sessions see it.
     *
     * @return true when the server must be restarted for the setting to take effect
     * @throws IllegalArgumentException when PostgreSQL has no such setting
     */
    static boolean alter(String serverId, Connector connector, String name, String value) {
        ServerConfiguration.requireValidName(name);
        String context;
        String before;
        try (Connection connection = connector.connect()) {
            try (PreparedStatement query = connection.prepareStatement("SELECT context, setting FROM pg_settings WHERE name = ?")) {
                query.setString(1, name);
                try (ResultSet rs = query.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException(serverId + ": PostgreSQL has no setting named '" + name + "'");
                    }
                    context = rs.getString(1);
                    before = rs.getString(2);
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER SYSTEM SET " + name + " = " + Jdbc.quoteLiteral(value));
                if ("postmaster".equals(context)) {
                    return true;
                }
                statement.execute("SELECT pg_reload_conf()");
            }
        } catch (SQLException e) {
            throw new PostgresTestException(serverId + ": cannot set " + name + " = '" + value + "' [SQLState "
                    + e.getSQLState() + "]: " + e.getMessage(), e);
        }
        awaitReload(serverId, connector, name, before);
        return false;
    }

    /** A reload is asynchronous: new sessions see the value once the postmaster has re-read its files. */
    private static void awaitReload(String serverId, Connector connector, String name, String before) {
        long deadline = System.nanoTime() + RELOAD_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection connection = connector.connect();
                 PreparedStatement query = connection.prepareStatement("SELECT setting FROM pg_settings WHERE name = ?")) {
                query.setString(1, name);
                try (ResultSet rs = query.executeQuery()) {
                    if (rs.next() && !rs.getString(1).equals(before)) {
                        return;
                    }
                }
            } catch (SQLException e) {
                throw new PostgresTestException(serverId + ": cannot read back setting " + name + " [SQLState " + e.getSQLState() + "]", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresTestException(serverId + ": interrupted while waiting for a reload", e);
            }
        }
    }
}
