package io.github.shardingorm.internal.jdbc;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShardPoolsTest {

    @Test
    void rootMessage_namesTheRootCauseAndItsSqlState() {
        SQLException root = new SQLException("Connection refused", "08001");
        Throwable wrapped = new SQLTransientConnectionException("pool timeout", "08003", new RuntimeException("middle", root));
        assertEquals("SQLException: Connection refused [SQLState 08001]", ShardPools.rootMessage(wrapped));
    }

    @Test
    void rootMessage_ofANonSqlRoot_keepsTheDriversSqlState() {
        Throwable wrapped = new SQLException("The connection attempt failed.", "08001", new ConnectException("Connection refused"));
        assertEquals("ConnectException: Connection refused [SQLState 08001]", ShardPools.rootMessage(wrapped));
    }

    @Test
    void rootMessage_ofAnExceptionWithoutCause_describesItself() {
        assertEquals("SQLException: boom", ShardPools.rootMessage(new SQLException("boom")));
        assertEquals("SQLException: boom [SQLState 57P01]", ShardPools.rootMessage(new SQLException("boom", "57P01")));
    }

    @Test
    void config_setsTheDeadlinesAsDriverPropertiesTheDriverReads() {
        io.github.shardingorm.internal.config.PoolSettings pools = new io.github.shardingorm.internal.config.PoolSettings(
                1500, 4, null, java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), java.util.Map.of());
        io.github.shardingorm.internal.config.HealthSettings health = new io.github.shardingorm.internal.config.HealthSettings(
                35_000, 30_000, java.util.Map.of("s1", 2_500L), java.util.Map.of("s1", 0L), 3, 250, 2_000);
        java.util.Properties p0 = ShardPools.config("p0", "s0", "jdbc:postgresql://h/db", null, null, pools, health).getDataSourceProperties();
        // java.util.Properties.getProperty ignores non-String values: pgjdbc would see no timeout at all
        assertEquals("35", p0.getProperty("socketTimeout"));
        assertEquals("2", p0.getProperty("connectTimeout"));
        assertEquals("2", p0.getProperty("loginTimeout"));
        assertEquals("-c statement_timeout=30000", p0.getProperty("options"));
        java.util.Properties p1 = ShardPools.config("p1", "s1", "jdbc:postgresql://h/db", null, null, pools, health).getDataSourceProperties();
        assertEquals("3", p1.getProperty("socketTimeout"), "per-shard override, rounded up to whole seconds");
        assertEquals(null, p1.getProperty("options"), "statement timeout 0: none");
        com.zaxxer.hikari.HikariConfig withOptions = ShardPools.config("p2", "s0", "jdbc:postgresql://h/db?options=-c%20search_path%3Dx",
                null, null, pools, health);
        assertEquals("SET statement_timeout = 30000", withOptions.getConnectionInitSql(), "the user's options stay; the timeout is set after connecting");
    }
}
