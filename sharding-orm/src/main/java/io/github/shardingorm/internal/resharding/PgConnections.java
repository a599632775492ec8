package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.config.JdbcUrls;
import io.github.shardingorm.internal.config.ShardDefinition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGProperty;
import org.slf4j.LoggerFactory;

/**
 * The mover's own connections, outside the application's pools (a long copy must not hold a
 * pool connection, and a replication connection cannot come from a pool). Every session turns
 * off the timeouts that would kill a long step: {@code statement_timeout},
 * {@code idle_in_transaction_session_timeout} and {@code lock_timeout}.
 */
final class PgConnections {

    private PgConnections() {
    }

    /** A plain connection, auto-commit on. */
    static Connection open(ShardDefinition shard) throws SQLException {
        Connection c = DriverManager.getConnection(shard.jdbcUrl(), properties(shard));
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET lock_timeout = 0");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** A logical replication connection ({@code replication=database}, simple query mode). */
    static Connection openReplication(ShardDefinition shard) throws SQLException {
        Properties p = properties(shard);
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.OPTIONS.set(p, "-c idle_in_transaction_session_timeout=0 -c statement_timeout=0");
        return DriverManager.getConnection(shard.jdbcUrl(), p);
    }

    static String describe(ShardDefinition shard) {
        return "shard " + shard.id() + " (" + JdbcUrls.mask(shard.jdbcUrl()) + ")";
    }

    private static Properties properties(ShardDefinition shard) {
        Properties p = new Properties();
        if (shard.username() != null) {
            p.setProperty("user", shard.username());
        }
        if (shard.password() != null && !shard.password().isEmpty()) {
            p.setProperty("password", shard.password());
        }
        p.setProperty("ApplicationName", "sharding-orm mover");
        return p;
    }

    /** Skips triggers and foreign-key checks while copying and applying (superuser only; else the table order matters). */
    static void trySetReplicaRole(Connection c, String what) {
        try (Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica");
        } catch (SQLException e) {
            LoggerFactory.getLogger(PgConnections.class).info("{}: cannot set session_replication_role=replica ({}); tables are"
                    + " copied parents first, in the order given", what, e.getMessage());
        }
    }
}
