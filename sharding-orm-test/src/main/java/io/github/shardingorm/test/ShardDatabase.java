package io.github.shardingorm.test;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One shard database created for a test. Its {@code toString()} never shows the password.
 */
public interface ShardDatabase {

    /**
     * @return the shard id, {@code "s0"} to {@code "s<count-1>"}; never null
     */
    String id();

    /**
     * @return the database name, lowercase, {@code shorm_<run id>_<index>}; never null
     */
    String databaseName();

    /**
     * @return a JDBC URL to this database; never null
     */
    String jdbcUrl();

    /**
     * @return the user to connect with; never null
     */
    String username();

    /**
     * @return the password to connect with; may be empty, never null
     */
    String password();

    /**
     * Opens a new connection (auto-commit on) that the caller must close.
     *
     * @return a new connection; never null
     * @throws SQLException when the database cannot be reached, for example after it was dropped
     */
    Connection connect() throws SQLException;
}
