package io.github.shardingorm.test.internal;

import static io.github.shardingorm.test.PostgresTestSettings.DATABASE_PREFIX;
import static io.github.shardingorm.test.PostgresTestSettings.PASSWORD_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.PASSWORD_PROPERTY;
import static io.github.shardingorm.test.PostgresTestSettings.URL_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.URL_PROPERTY;
import static io.github.shardingorm.test.PostgresTestSettings.USER_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.USER_PROPERTY;

import io.github.shardingorm.test.PostgresTestSettings;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Run after the integration tests ({@code post-integration-test}): fails when a test left a shard
 * database ({@code shorm_*}) on the configured existing server or a private server process
 * (a postgres whose data directory is under a {@code sharding-orm-pg-*} temp directory) running.
 * Databases whose comment names a JVM that is still running belong to another test run going on
 * at the same time (a second build, an IDE) and are not counted.
 */
public final class LeftoverCheck {

    private LeftoverCheck() {
    }

    /**
     * @throws IllegalStateException listing every leftover, when there is one
     */
    public static void main(String[] args) throws IOException {
        List<String> leftovers = new ArrayList<>();
        String url = SystemTestEnvironment.read(URL_PROPERTY, URL_ENV);
        if (url != null) {
            leftovers.addAll(databases(url));
        }
        for (String process : ProcessTable.privateServerProcesses()) {
            leftovers.add("private postgres process still running: " + process);
        }
        if (!leftovers.isEmpty()) {
            throw new IllegalStateException("leftover check failed: the tests left " + leftovers.size()
                    + " thing(s) behind:\n  " + String.join("\n  ", leftovers));
        }
        System.out.println("leftover check: no test databases, no private postgres processes");
    }

    private static List<String> databases(String url) {
        String user = SystemTestEnvironment.read(USER_PROPERTY, USER_ENV);
        String password = SystemTestEnvironment.read(PASSWORD_PROPERTY, PASSWORD_ENV);
        List<String> found = new ArrayList<>();
        try (Connection connection = Jdbc.connect(url, user == null ? PostgresTestSettings.DEFAULT_USER : user, password);
             PreparedStatement query = connection.prepareStatement(
                     "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
                             + " WHERE left(datname, ?) = ? ORDER BY datname")) {
            query.setInt(1, DATABASE_PREFIX.length());
            query.setString(2, DATABASE_PREFIX);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    if (DatabaseNames.ownerIsAlive(rs.getString(2))) {
                        System.out.println("leftover check: " + rs.getString(1) + " belongs to a test JVM still running ("
                                + rs.getString(2) + "), not counted");
                    } else {
                        found.add("test database still exists on " + JdbcUrls.mask(url) + ": " + rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("leftover check: cannot query " + JdbcUrls.mask(url) + " [SQLState "
                    + e.getSQLState() + "]: " + e.getMessage(), e);
        }
        return found;
    }
}
