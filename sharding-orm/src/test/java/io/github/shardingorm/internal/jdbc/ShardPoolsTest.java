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
}
