package io.github.shardingorm.internal.jdbc;

import java.sql.SQLException;

/**
 * The one rule for "the shard could not be reached", shared by session work, the write logs'
 * plain JDBC and the saga retry policy.
 */
public final class ConnectionFailures {

    private ConnectionFailures() {
    }

    /**
     * SQLState class 08 (connection exception), class 57P (the server shut down, is not accepting,
     * or ended the session) except 57P04 (the database was dropped: no retry brings it back), or a pooled connection HikariCP already closed after such a failure (it reports
     * "Connection is closed" without an SQLState).
     */
    public static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return "Connection is closed".equals(e.getMessage());
        }
        return state.startsWith("08") || (state.startsWith("57P") && !state.equals("57P04"));
    }
}
