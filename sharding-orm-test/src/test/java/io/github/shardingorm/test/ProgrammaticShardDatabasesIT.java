package io.github.shardingorm.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProgrammaticShardDatabasesIT {

    /** SQLState "invalid catalog name": the database does not exist. */
    private static final String NO_SUCH_DATABASE = "3D000";

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 2, 7})
    void createsUsableDatabasesAndDropsThemOnClose(int count) throws SQLException {
        ShardDatabases shards = PostgresShardSupport.createDatabases(count);
        try (shards) {
            assertEquals(count, shards.size());
            for (ShardDatabase shard : shards) {
                try (Connection connection = shard.connect(); Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SELECT current_database()")) {
                    rs.next();
                    assertEquals(shard.databaseName(), rs.getString(1));
                }
            }
        }

        for (ShardDatabase shard : shards) {
            SQLException e = assertThrows(SQLException.class, () -> shard.connect().close(), shard + " still exists");
            assertEquals(NO_SUCH_DATABASE, e.getSQLState(), e.getMessage());
        }
        shards.close(); // idempotent
    }
}
