package io.github.shardingorm.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@PostgresServers(count = 2)
class PostgresServersIT {

    @Test
    void startsSeparateServersOnTheirOwnPorts(PostgresServerGroup servers) {
        assertEquals(2, servers.size());
        assertNotEquals(servers.get(0).port(), servers.get(1).port());
        for (PostgresServer server : servers) {
            assertTrue(server.isRunning(), server.toString());
            assertFalse(server.isReplica());
            assertTrue(server.dataDirectory().toString().contains("sharding-orm-pg-"), server.toString());
        }
    }

    @Test
    void killedServerKeepsCommittedDataAfterRestartAndTheOtherIsUnaffected(PostgresServerGroup servers) throws SQLException {
        PostgresServer victim = servers.get(0);
        PostgresServer bystander = servers.get(1);
        victim.createDatabase("crash");
        execute(victim, "crash", "CREATE TABLE account (id int PRIMARY KEY, balance int)", "INSERT INTO account VALUES (1, 100)");
        bystander.createDatabase("calm");
        execute(bystander, "calm", "CREATE TABLE account (id int PRIMARY KEY, balance int)", "INSERT INTO account VALUES (1, 7)");

        victim.kill();

        assertFalse(victim.isRunning());
        assertThrowsSql(() -> victim.connect("crash").close());
        assertEquals(7, balance(bystander, "calm"), "the other server keeps running");

        victim.start();

        assertTrue(victim.isRunning());
        assertEquals(100, balance(victim, "crash"), "committed data survives a crash");
    }

    @Test
    void postmasterSettingTakesEffectAndEnablesPreparedTransactions(PostgresServerGroup servers) throws SQLException {
        PostgresServer server = servers.get(1);
        assertEquals("0", server.showSetting("max_prepared_transactions"));

        server.setSetting("max_prepared_transactions", "10");

        assertEquals("10", server.showSetting("max_prepared_transactions"));
        server.createDatabase("twophase");
        execute(server, "twophase", "CREATE TABLE ledger (id int)");
        try (Connection connection = server.connect("twophase"); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("INSERT INTO ledger VALUES (1)");
            statement.execute("PREPARE TRANSACTION 'tx-1'");
            connection.setAutoCommit(true);
            statement.execute("COMMIT PREPARED 'tx-1'");
        }
        try (Connection connection = server.connect("twophase"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM ledger")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    void reloadableSettingTakesEffectWithoutRestart(PostgresServerGroup servers) {
        PostgresServer server = servers.get(0);

        server.setSetting("work_mem", "7MB");

        assertEquals("7MB", server.showSetting("work_mem"));
    }

    static void execute(PostgresServer server, String database, String... sql) throws SQLException {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    private static int balance(PostgresServer server, String database) throws SQLException {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT balance FROM account WHERE id = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void assertThrowsSql(org.junit.jupiter.api.function.Executable executable) {
        org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, executable);
    }
}
