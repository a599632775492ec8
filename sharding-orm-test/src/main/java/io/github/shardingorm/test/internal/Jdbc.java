package io.github.shardingorm.test.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens PostgreSQL connections through the driver directly, so that it works from any class loader
 * (for example {@code exec:java}) without {@code DriverManager}'s visibility rules.
 */
final class Jdbc {

    private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

    private Jdbc() {
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "sharding-orm-test");
        Connection connection = DRIVER.connect(url, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + JdbcUrls.mask(url), "08001");
        }
        return connection;
    }

    /** @return {@code identifier} as a quoted SQL identifier */
    static String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** @return {@code value} as a quoted SQL string literal */
    static String quoteLiteral(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
