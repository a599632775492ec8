package io.github.shardingorm.internal.cache;

import io.github.shardingorm.internal.config.Defaults;
import io.github.shardingorm.internal.config.JdbcUrls;
import io.github.shardingorm.internal.config.ShardDefinition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to one shard's invalidations on a dedicated connection (not from the pool: a pooled
 * connection is reset and shared; a LISTEN must stay on one session for as long as it listens).
 *
 * <p>One daemon thread ({@code sharding-orm-cache-<shard>}) waits for notifications and hands every
 * payload of another instance to the cache. PostgreSQL does not replay notifications to a session
 * that was not listening, so when the connection fails the shard is marked not listening (cache-aside
 * misses then put nothing) and every cached entry of the shard is flushed at once; the thread
 * reconnects with a doubling wait, LISTENs, and flushes again before it marks the shard listening:
 * any write committed while no one listened is read from the shard afresh.
 */
final class InvalidationListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidationListener.class);

    /** What the listener drives. */
    interface Sink {
        void apply(String shard, List<Invalidation> invalidations);

        void flushShard(String shard);
    }

    private final ShardDefinition shard;
    private final String channel;
    private final String instanceId;
    private final Sink sink;
    private final Thread thread;
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong losses = new AtomicLong();
    private volatile Connection connection;
    private volatile boolean listening;
    private volatile boolean closed;

    InvalidationListener(ShardDefinition shard, String channel, String instanceId, Sink sink) {
        this.shard = shard;
        this.channel = channel;
        this.instanceId = instanceId;
        this.sink = sink;
        this.thread = new Thread(this::run, "sharding-orm-cache-" + shard.id());
        this.thread.setDaemon(true);
    }

    /** Connects and LISTENs (failing start-up if it cannot), then starts the thread. */
    void start() throws SQLException {
        connection = connect();
        listening = true;
        thread.start();
    }

    boolean listening() {
        return listening;
    }

    /** Times the connection was re-established. */
    /** Connection losses handled so far: each counted once the shard's entries are flushed (not at the loss itself). */
    long losses() {
        return losses.get();
    }

    long reconnects() {
        return reconnects.get();
    }

    /** The application name the listener's session carries (for pg_stat_activity). */
    String applicationName() {
        return "sharding-orm-cache-" + instanceId;
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (shard.username() != null) {
            p.setProperty("user", shard.username());
        }
        if (shard.password() != null) {
            p.setProperty("password", shard.password());
        }
        p.setProperty("ApplicationName", applicationName());
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("connectTimeout", "5");
        Connection c = DriverManager.getConnection(shard.jdbcUrl(), p);
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("LISTEN " + channel);
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private void run() {
        long wait = Defaults.CACHE_LISTENER_RECONNECT_MILLIS;
        while (!closed) {
            try {
                Connection c = connection;
                if (c == null) {
                    c = connect();
                    connection = c;
                    sink.flushShard(shard.id()); // after LISTEN: whatever was written meanwhile is read afresh
                    listening = true;
                    reconnects.incrementAndGet();
                    wait = Defaults.CACHE_LISTENER_RECONNECT_MILLIS;
                    LOG.info("cache listener of shard '{}' reconnected; the shard's cached entries were flushed", shard.id());
                }
                PGNotification[] notifications = c.unwrap(PGConnection.class).getNotifications(500);
                if (notifications != null) {
                    for (PGNotification n : notifications) {
                        handle(n.getParameter());
                    }
                }
            } catch (SQLException | RuntimeException | LinkageError | AssertionError e) {
                if (closed) {
                    break;
                }
                boolean wasListening = listening;
                listening = false;
                Connection c = connection;
                connection = null;
                closeQuietly(c);
                try {
                    sink.flushShard(shard.id());
                } catch (RuntimeException flushFailure) {
                    e.addSuppressed(flushFailure);
                }
                if (wasListening) {
                    losses.incrementAndGet();
                    LOG.warn("cache listener of shard '{}' ({}) lost its connection; the shard's cached entries were flushed "
                            + "and its cache-aside is bypassed until it reconnects", shard.id(), JdbcUrls.mask(shard.jdbcUrl()), e);
                }
                sleep(wait);
                wait = Math.min(5_000, wait * 2);
            }
        }
    }

    private void handle(String payload) {
        if (Invalidation.sender(payload).equals(instanceId)) {
            return; // this instance's own write: applied locally after its commit
        }
        try {
            sink.apply(shard.id(), Invalidation.parse(payload));
        } catch (RuntimeException e) {
            LOG.warn("cache invalidation on shard '{}' could not be applied; flushing the shard's cached entries", shard.id(), e);
            sink.flushShard(shard.id());
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is broken or closed already
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listening = false;
        thread.interrupt();
        closeQuietly(connection);
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
