package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.ShardDatabase;
import java.sql.Connection;
import java.sql.SQLException;

/** One created shard database; the record's accessors are {@link ShardDatabase}'s. */
record PgShardDatabase(String id, String databaseName, String jdbcUrl, String username, String password) implements ShardDatabase {

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
