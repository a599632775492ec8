package io.github.shardingorm.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ConnectionFailuresTest {

    @Test
    void connectionClassAndServerShutdownStatesAreConnectionFailures() {
        for (String state : new String[] {"08000", "08001", "08003", "08006", "57P01", "57P02", "57P03", "57P05"}) {
            assertTrue(ConnectionFailures.isConnectionFailure(new SQLException("x", state)), state);
        }
    }

    @Test
    void aDroppedDatabaseAndOrdinaryErrorsAreNot() {
        for (String state : new String[] {"57P04", "23505", "40001", "42P01"}) {
            assertFalse(ConnectionFailures.isConnectionFailure(new SQLException("x", state)), state);
        }
        assertFalse(ConnectionFailures.isConnectionFailure(new SQLException("something else")));
    }

    @Test
    void aConnectionHikariAlreadyClosedIsAConnectionFailure() {
        assertTrue(ConnectionFailures.isConnectionFailure(new SQLException("Connection is closed")));
    }
}
