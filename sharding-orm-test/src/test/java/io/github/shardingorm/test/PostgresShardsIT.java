package io.github.shardingorm.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@PostgresShards(count = 4)
class PostgresShardsIT {

    private final ShardDatabases shards;

    PostgresShardsIT(ShardDatabases shards) {
        this.shards = shards;
    }

    @BeforeAll
    static void createTables(ShardDatabases shards) throws SQLException {
        for (ShardDatabase shard : shards) {
            try (Connection connection = shard.connect(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE note (shard text PRIMARY KEY, body text NOT NULL)");
            }
        }
    }

    @Test
    void givesFourNamedShardsInOrder(ShardDatabases injected) {
        assertEquals(4, shards.size());
        assertTrue(injected == shards, "the same databases are injected everywhere in the class");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            ShardDatabase shard = shards.get(i);
            assertEquals("s" + i, shard.id());
            assertTrue(shard.databaseName().matches("shorm_[a-z0-9]{5}_" + i), shard.databaseName());
            assertTrue(shard.jdbcUrl().contains("/" + shard.databaseName()), shard.jdbcUrl());
            assertTrue(shard.password().isEmpty() || !shard.toString().contains(shard.password()), "toString hides the password");
            assertEquals(shard, shards.byId("s" + i));
            names.add(shard.databaseName());
        }
        assertEquals(4, names.size());
    }

    @Test
    void writesAndReadsARowOnEveryShard() throws SQLException {
        for (ShardDatabase shard : shards) {
            try (Connection connection = shard.connect(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO note VALUES ('" + shard.id() + "', 'hello from " + shard.id() + "')");
            }
        }
        for (ShardDatabase shard : shards) {
            assertEquals(List.of(shard.id()), shardsIn(shard), "each shard holds exactly its own row");
        }
    }

    @Test
    void shardsAreDistinctDatabases() throws SQLException {
        try (Connection s0 = shards.get(0).connect(); Statement statement = s0.createStatement()) {
            statement.execute("CREATE TABLE only_on_s0 (id int)");
            statement.execute("INSERT INTO only_on_s0 VALUES (1)");
        }
        try (Connection s1 = shards.get(1).connect(); Statement statement = s1.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_database(), to_regclass('only_on_s0') IS NULL")) {
            rs.next();
            assertEquals(shards.get(1).databaseName(), rs.getString(1));
            assertTrue(rs.getBoolean(2), "a table created on s0 must not exist on s1");
        }
    }

    private static List<String> shardsIn(ShardDatabase shard) throws SQLException {
        try (Connection connection = shard.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT shard FROM note ORDER BY shard")) {
            List<String> found = new java.util.ArrayList<>();
            while (rs.next()) {
                found.add(rs.getString(1));
            }
            return found;
        }
    }
}
