package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.internal.jdbc.ShardUnavailableSqlException;
import jakarta.persistence.PersistenceException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.hibernate.JDBCException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardSessionsTest {

    @Test
    void translate_shardUnavailableSqlExceptionInTheCauseChain_becomesShardUnavailable_namingItsShard() {
        SQLTransientConnectionException hikari = new SQLTransientConnectionException("Connection is not available", "08001");
        ShardUnavailableSqlException unavailable = new ShardUnavailableSqlException("s2",
                "shard 's2' (jdbc:postgresql://db2/app) is unavailable: no connection within 2000 ms", hikari);
        JDBCException hibernate = new JDBCConnectionException("Unable to acquire JDBC Connection", unavailable);
        PersistenceException original = new PersistenceException("wrapped", hibernate);

        RuntimeException translated = ShardSessions.translate("s0", original);

        ShardUnavailableException e = assertInstanceOf(ShardUnavailableException.class, translated);
        assertEquals("s2", e.getShardId(), "the shard named by the pool wins over the session's shard");
        assertSame(original, e.getCause());
        assertEquals(unavailable.getMessage(), e.getMessage());
        assertEquals("08001", unavailable.getSQLState(), "the driver's SQLState is kept");
    }

    @Test
    void translate_sqlStateConnectionFailure_becomesShardUnavailable_namingTheSessionShard() {
        for (String state : new String[] {"08006", "08001", "08003", "57P01", "57P02", "57P03"}) {
            SQLException sql = new SQLException("An I/O error occurred while sending to the backend.", state);
            RuntimeException original = new JDBCConnectionException("could not execute query", sql);

            RuntimeException translated = ShardSessions.translate("s1", original);

            ShardUnavailableException e = assertInstanceOf(ShardUnavailableException.class, translated, state);
            assertEquals("s1", e.getShardId());
            assertSame(original, e.getCause());
            assertTrue(e.getMessage().contains("'s1'"), e.getMessage());
            assertTrue(e.getMessage().contains("SQLState " + state), e.getMessage());
            assertTrue(e.getMessage().contains("I/O error"), e.getMessage());
        }
    }

    @Test
    void translate_sqlExceptionDeepInTheChain_isFound() {
        SQLException sql = new SQLException("terminating connection due to administrator command", "57P01");
        RuntimeException original = new PersistenceException("outer", new RuntimeException("middle", new JDBCException("inner", sql)));
        ShardUnavailableException e = assertInstanceOf(ShardUnavailableException.class, ShardSessions.translate("s3", original));
        assertEquals("s3", e.getShardId());
        assertSame(original, e.getCause());
    }

    @Test
    void translate_otherFailures_areReturnedUnchanged() {
        RuntimeException[] others = {
                new JDBCException("duplicate key", new SQLException("duplicate key value", "23505")),
                new JDBCException("no state", new SQLException("something")),
                new JDBCException("syntax", new SQLException("syntax error", "42601")),
                new JDBCException("class 58", new SQLException("system error", "58000")),
                new IllegalStateException("not a database failure"),
                new PersistenceException("no cause"),
        };
        for (RuntimeException other : others) {
            assertSame(other, ShardSessions.translate("s0", other), other::getMessage);
        }
    }

    @Test
    void translate_shardUnavailableException_isReturnedUnchanged() {
        ShardUnavailableException already = new ShardUnavailableException("s1", "down", null);
        assertSame(already, ShardSessions.translate("s0", already));
    }
}
