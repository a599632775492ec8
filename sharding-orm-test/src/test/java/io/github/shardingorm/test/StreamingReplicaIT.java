package io.github.shardingorm.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@PostgresServers(count = 1)
class StreamingReplicaIT {

    /** SQLState "read_only_sql_transaction". */
    private static final String READ_ONLY = "25006";

    @Test
    void replicaSeesRowsCommittedOnThePrimaryAndRejectsWrites(PostgresServerGroup servers) throws Exception {
        PostgresServer primary = servers.get(0);
        PostgresServersIT.execute(primary, "postgres", "CREATE TABLE event (id int PRIMARY KEY)");

        PostgresServer replica = primary.createReplica();

        assertTrue(replica.isReplica());
        assertNotEquals(primary.port(), replica.port());
        assertTrue(query(replica, "SELECT pg_is_in_recovery()").equals("t"), "the replica is in recovery");

        PostgresServersIT.execute(primary, "postgres", "INSERT INTO event VALUES (42)");
        assertEquals("1", awaitValue(replica, "SELECT count(*) FROM event WHERE id = 42", "1", Duration.ofSeconds(20)));

        SQLException write = assertThrows(SQLException.class,
                () -> PostgresServersIT.execute(replica, "postgres", "INSERT INTO event VALUES (43)"));
        assertEquals(READ_ONLY, write.getSQLState(), write.getMessage());
    }

    private static String awaitValue(PostgresServer server, String sql, String expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String value = query(server, sql);
        while (!expected.equals(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = query(server, sql);
        }
        return value;
    }

    private static String query(PostgresServer server, String sql) throws SQLException {
        try (Connection connection = server.connect("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
