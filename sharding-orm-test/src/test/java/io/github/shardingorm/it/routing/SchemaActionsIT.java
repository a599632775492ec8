package io.github.shardingorm.it.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Schema actions reach EVERY shard, not just the one connection hbm2ddl would use. */
@PostgresShards(count = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaActionsIT {

    @Test
    @Order(1)
    void validateOnEmptyShardsFailsNamingEveryShard(ShardDatabases shards) {
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> build(shards, SchemaAction.VALIDATE).close());
        assertEquals(3, e.getProblems().size(), e.getMessage());
        for (ShardDatabase db : shards) {
            assertTrue(e.getMessage().contains("'" + db.id() + "'"), e.getMessage());
        }
    }

    @Test
    @Order(2)
    void updateCreatesTheTablesOnEveryShardAndValidateThenPasses(ShardDatabases shards) throws SQLException {
        build(shards, SchemaAction.UPDATE).close();
        for (ShardDatabase db : shards) {
            assertEquals(List.of("posts", "users"), tables(db), db.id());
        }
        build(shards, SchemaAction.VALIDATE).close();
    }

    @Test
    @Order(3)
    void validateFailsOnlyForTheShardThatDrifted(ShardDatabases shards) throws SQLException {
        try (Connection c = shards.get(1).connect(); Statement st = c.createStatement()) {
            st.execute("alter table posts drop column body");
        }
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> build(shards, SchemaAction.VALIDATE).close());
        assertEquals(1, e.getProblems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("'s1'") && e.getMessage().contains("body"), e.getMessage());
    }

    @Test
    @Order(4)
    void createRecreatesEveryShard(ShardDatabases shards) throws SQLException {
        build(shards, SchemaAction.CREATE).close();
        build(shards, SchemaAction.VALIDATE).close();
        for (ShardDatabase db : shards) {
            assertEquals(List.of("posts", "users"), tables(db), db.id());
        }
    }

    private static ShardedPersistence build(ShardDatabases shards, SchemaAction action) {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (ShardDatabase db : shards) {
            builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        return builder.entities(User.class, Post.class).schema(action).maximumPoolSize(1).build();
    }

    /**
     * The entity tables of the shard: the library's own write-log tables ({@code shorm_*}) are left
     * out, they exist or not depending on whether the server allows two-phase commit (the shared
     * server does not, a private fallback server does).
     */
    private static List<String> tables(ShardDatabase db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select table_name from information_schema.tables "
                     + "where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'shorm\\_%' order by 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
