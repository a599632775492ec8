package io.github.shardingorm.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL server the database benchmarks run against, and the throw-away databases they
 * create on it. Defaults to a local server with trust authentication; override with the
 * environment variables {@code BENCH_PG_URL} (a base URL ending in '/', default
 * {@code jdbc:postgresql://127.0.0.1:5432/}), {@code BENCH_PG_USER} (default {@code postgres})
 * and {@code BENCH_PG_PASSWORD} (default none). Environment variables, not system properties,
 * so that JMH's forked JVMs see them too.
 */
final class BenchDatabases {

    static final String BASE_URL = env("BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
    static final String USER = env("BENCH_PG_USER", "postgres");
    static final String PASSWORD = env("BENCH_PG_PASSWORD", null);

    private BenchDatabases() {
    }

    static String url(String database) {
        return BASE_URL + database;
    }

    /** Drops (if present) and creates each database, empty. */
    static void recreate(List<String> databases) {
        admin(databases, true);
    }

    /** Drops each database, disconnecting whoever is still connected. */
    static void drop(List<String> databases) {
        admin(databases, false);
    }

    private static void admin(List<String> databases, boolean create) {
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
             Statement s = c.createStatement()) {
            for (String db : databases) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                if (create) {
                    s.execute("CREATE DATABASE " + db);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + (create ? "create" : "drop") + " benchmark databases " + databases
                    + " on " + BASE_URL + " as " + USER + " [SQLState " + e.getSQLState() + "]: " + e.getMessage()
                    + " (set BENCH_PG_URL / BENCH_PG_USER / BENCH_PG_PASSWORD)", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
