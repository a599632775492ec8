package io.github.shardingorm.internal.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs DDL that needs a table lock writers conflict with (the fence trigger's, the mover's
 * publication drop) so that writers queue behind it for at most a few milliseconds: each attempt
 * is one transaction with {@code SET LOCAL lock_timeout} (5 ms, growing by 5 ms per attempt up to
 * 50 ms); an attempt that cannot get its lock gives way, pauses and tries again, for up to 60 s.
 * The connection must be in autocommit mode; it is left so.
 */
public final class ShortLockRetry {

    /** How long a statement keeps trying before it fails. */
    private static final long DEADLINE_MILLIS = 60_000;

    /** The work of one attempt, inside its transaction (after the lock_timeout is set). */
    @FunctionalInterface
    public interface Attempt {
        void run(Statement st) throws SQLException;
    }

    private ShortLockRetry() {
    }

    /**
     * Runs {@code attempt} until it commits; {@code onGiveWay} is called for each attempt that
     * gave way to writers. Failures name {@code what}.
     */
    public static void run(Connection c, String what, Attempt attempt, Runnable onGiveWay) throws SQLException {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        for (int n = 1; ; n++) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL lock_timeout = '" + Math.min(50, 5 * n) + "ms'");
                attempt.run(st);
                c.commit();
                return;
            } catch (SQLException e) {
                c.rollback();
                if (!"55P03".equals(e.getSQLState()) || System.currentTimeMillis() > deadline) {
                    throw new SQLException(what + " (attempt " + n + "): " + e.getMessage(), e.getSQLState(), e);
                }
                onGiveWay.run();
                try {
                    Thread.sleep(Math.min(200, 10L * n));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while retrying " + what, ie);
                }
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
