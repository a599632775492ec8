package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.ShardDatabase;
import java.sql.Connection;
import java.sql.SQLException;

/** One created shard database. */
final class PgShardDatabase implements ShardDatabase {

    private final String id;
    private final String databaseName;
    private final String jdbcUrl;
    private final String username;
    private final String password;

    PgShardDatabase(String id, String databaseName, String jdbcUrl, String username, String password) {
        this.id = id;
        this.databaseName = databaseName;
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String databaseName() {
        return databaseName;
    }

    @Override
    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public String username() {
        return username;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public Connection connect() throws SQLException {
        return Jdbc.connect(jdbcUrl, username, password);
    }

    @Override
    public String toString() {
        return "ShardDatabase[" + id + ", " + databaseName + ", " + JdbcUrls.mask(jdbcUrl) + ", user=" + username
                + ", password=" + (password.isEmpty() ? "(empty)" : "****") + "]";
    }
}
