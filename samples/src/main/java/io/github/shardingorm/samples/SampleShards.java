package io.github.shardingorm.samples;

import io.github.shardingorm.ShardedPersistenceBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Where the samples' shards live: in-memory H2 by default, or databases on a PostgreSQL server. */
public final class SampleShards {

    /** Environment variable naming a PostgreSQL admin database, as an alternative to {@code --postgres=}. */
    public static final String POSTGRES_ENV = "SAMPLES_POSTGRES_URL";

    private SampleShards() {
    }

    /** The PostgreSQL admin URL from {@code --postgres=URL} or {@value #POSTGRES_ENV}, or null for H2. */
    public static String postgresUrl(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("--postgres=")) {
                return arg.substring("--postgres=".length());
            }
        }
        String env = System.getenv(POSTGRES_ENV);
        return env == null || env.isBlank() ? null : env;
    }

    /** Adds {@code count} shards named s0.. to the builder; on PostgreSQL, creates databases {@code <prefix>_s<i>} if missing. */
    public static List<String> configure(ShardedPersistenceBuilder builder, String prefix, int count, String postgresAdminUrl) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "s" + i;
            String url;
            if (postgresAdminUrl == null) {
                url = "jdbc:h2:mem:" + prefix + "_" + id + ";DB_CLOSE_DELAY=-1";
                builder.shard(id, url, "sa", "");
            } else {
                url = database(postgresAdminUrl, prefix + "_" + id);
                builder.shard(id, url, user(), password());
            }
            urls.add(url);
        }
        return urls;
    }

    /** The JDBC URL of database {@code name} on the admin URL's server, creating it if missing. */
    public static String database(String adminUrl, String name) {
        try (Connection c = DriverManager.getConnection(adminUrl, user(), password()); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
                if (!rs.next()) {
                    st.execute("create database " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " through " + adminUrl + ": " + e.getMessage(), e);
        }
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = adminUrl.indexOf('?', slash);
        return adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
    }

    /** Drops database {@code name} on the admin URL's server if it exists (the pools using it must be closed). */
    public static void dropDatabase(String adminUrl, String name) {
        try (Connection c = DriverManager.getConnection(adminUrl, user(), password()); Statement st = c.createStatement()) {
            st.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + name + " through " + adminUrl + ": " + e.getMessage(), e);
        }
    }

    static String user() {
        return System.getenv().getOrDefault("SAMPLES_POSTGRES_USER", "postgres");
    }

    static String password() {
        return System.getenv().getOrDefault("SAMPLES_POSTGRES_PASSWORD", "");
    }
}
