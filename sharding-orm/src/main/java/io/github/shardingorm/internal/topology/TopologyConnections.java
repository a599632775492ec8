package io.github.shardingorm.internal.topology;

import io.github.shardingorm.internal.config.PostgresUrls;
import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.internal.jdbc.ShardPools;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower's own connections, one per shard, opened with {@link DriverManager} and kept
 * between polls (as the health probe's are): never one of the application's pools, so a hung
 * shard (a stopped server answers nothing) holds only this connection until its short
 * connect/socket timeout, never a connection the application's load needs. A shard whose breaker
 * is open is skipped without touching the network; a shard whose read failed is no longer
 * {@link #healthy} and is tried again after a backoff (100 ms doubling to 2 s), by the follower's
 * retry thread, so that one hung shard does not delay the reads of the others. A shard the user manages as a
 * {@code DataSource} (no URL known) is read through that DataSource, as before.
 *
 * <p>Work on one shard is serialized; work on different shards runs in parallel (the follower's
 * thread and its retry thread); {@link #close()} may come from any thread.
 */
final class TopologyConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyConnections.class);
    private static final Executor DIRECT = Runnable::run;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    /** Work on one shard's connection, in a transaction this class commits (or rolls back when it throws). */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Map<String, ShardDefinition> shards;
    private final ShardPools pools;
    private final long timeoutMillis;
    private final Map<String, State> states = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile String listenShard;
    private volatile String listenChannel;

    /** One shard's connection and failure history; work on it is serialized on this object (never across shards). */
    private static final class State {
        Connection connection;
        volatile long skipUntilNanos;
        volatile long backoffMillis;
        volatile boolean healthy = true;
    }

    TopologyConnections(Map<String, ShardDefinition> shards, ShardPools pools, long timeoutMillis) {
        this.shards = Map.copyOf(shards);
        this.pools = pools;
        this.timeoutMillis = Math.max(100, timeoutMillis);
        shards.keySet().forEach(s -> states.put(s, new State()));
    }

    /**
     * Makes {@code shard}'s connection also LISTEN on {@code channel} (re-issued on every reconnect):
     * the home shard's one connection serves the poll, the heartbeat and the notifications.
     */
    void listenOn(String shard, String channel) {
        this.listenChannel = channel;
        this.listenShard = shard;
    }

    /**
     * Waits up to {@code millis} for a notification on the listening shard's connection.
     *
     * @return false when that connection is not open (the caller waits by itself)
     */
    boolean awaitNotification(long millis) {
        String shard = listenShard;
        State st = shard == null ? null : states.get(shard);
        if (st == null) {
            return false;
        }
        synchronized (st) {
            if (st.connection == null || closed) {
                return false;
            }
            try {
                st.connection.unwrap(org.postgresql.PGConnection.class).getNotifications((int) millis);
                return true;
            } catch (SQLException | RuntimeException e) {
                LOG.debug("waiting for topology notifications on shard '{}' failed: {}", shard, e.toString());
                drop(shard, st);
                return false;
            }
        }
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    /** Whether the shard's last read succeeded (true until one failed) and its breaker is closed. */
    boolean healthy(String shard) {
        State st = states.get(shard);
        return st != null && st.healthy && pools.refusalIfOpen(shard) == null;
    }

    /** Whether a failed shard is due for another try (its backoff has passed). */
    boolean due(String shard) {
        State st = states.get(shard);
        return System.nanoTime() >= st.skipUntilNanos;
    }

    /**
     * Runs {@code work} on the shard's own connection.
     *
     * @throws SQLException when the shard is skipped (breaker open, or backing off after a failure:
     *                      SQLState 08006 without touching the network) or the work fails (the
     *                      connection is then dropped and reopened next time)
     */
    <T> T run(String shard, Work<T> work) throws SQLException {
        if (closed) {
            throw new SQLException("the topology follower's connections are closed", "08003");
        }
        SQLException refused = pools.refusalIfOpen(shard);
        if (refused != null) {
            throw new SQLException("shard '" + shard + "' skipped by the topology poll: its breaker is open", "08006", refused);
        }
        State st = states.get(shard);
        ShardDefinition definition = shards.get(shard);
        if (st == null || definition == null || definition.jdbcUrl() == null) {
            return runOnDataSource(shard, work);
        }
        synchronized (st) {
            if (System.nanoTime() < st.skipUntilNanos) {
                throw new SQLException("shard '" + shard + "' skipped by the topology poll for " + st.backoffMillis
                        + " ms after its last failure", "08006");
            }
            try {
                if (st.connection == null) {
                    st.connection = connect(definition);
                    if (shard.equals(listenShard) && PostgresUrls.isPostgres(definition.jdbcUrl())) {
                        try (java.sql.Statement listen = st.connection.createStatement()) {
                            listen.execute("LISTEN " + listenChannel);
                        }
                        st.connection.commit();
                    }
                }
                T result;
                try {
                    result = work.run(st.connection);
                    st.connection.commit();
                } catch (SQLException | RuntimeException e) {
                    drop(shard, st);
                    throw e;
                }
                st.backoffMillis = 0;
                st.skipUntilNanos = 0;
                st.healthy = true;
                return result;
            } catch (SQLException | RuntimeException e) {
                st.backoffMillis = st.backoffMillis == 0 ? 100 : Math.min(MAX_BACKOFF_MILLIS, st.backoffMillis * 2);
                st.skipUntilNanos = System.nanoTime() + st.backoffMillis * 1_000_000;
                st.healthy = false;
                throw e;
            }
        }
    }

    private <T> T runOnDataSource(String shard, Work<T> work) throws SQLException {
        try (Connection c = pools.dataSource(shard).getConnection()) {
            if (c.getAutoCommit()) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Connection connect(ShardDefinition shard) throws SQLException {
        Properties p = properties(shard, "sharding-orm topology follower", timeoutMillis);
        Connection c = DriverManager.getConnection(shard.jdbcUrl(), p);
        try {
            if (PostgresUrls.isPostgres(shard.jdbcUrl())) {
                c.setNetworkTimeout(DIRECT, (int) timeoutMillis);
            }
            c.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
            c.abort(DIRECT);
            throw e;
        }
        return c;
    }

    /** Connection properties with the short connect/login/socket timeouts (PostgreSQL's driver; seconds, at least 1). */
    static Properties properties(ShardDefinition shard, String applicationName, long timeoutMillis) {
        Properties p = new Properties();
        if (shard.username() != null) {
            p.setProperty("user", shard.username());
        }
        if (shard.password() != null) {
            p.setProperty("password", shard.password());
        }
        if (PostgresUrls.isPostgres(shard.jdbcUrl())) {
            String seconds = Long.toString(Math.max(1, (timeoutMillis + 999) / 1000));
            p.setProperty("connectTimeout", seconds);
            p.setProperty("loginTimeout", seconds);
            p.setProperty("socketTimeout", seconds);
            p.setProperty("ApplicationName", applicationName);
        }
        return p;
    }

    private static void drop(String shard, State st) {
        Connection c = st.connection;
        st.connection = null;
        if (c != null) {
            try {
                c.abort(DIRECT);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("closing the topology connection of shard '{}' failed: {}", shard, e.toString());
            }
        }
    }

    @Override
    public void close() {
        // not under the shards' locks: a read stuck on a hung shard must not hold up close (abort is thread-safe)
        closed = true;
        states.values().forEach(st -> {
            Connection c = st.connection;
            if (c != null) {
                try {
                    c.abort(DIRECT);
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("closing a topology connection failed: {}", e.toString());
                }
            }
        });
    }
}
