package io.github.shardingorm.internal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.shardingorm.internal.config.JdbcUrls;
import io.github.shardingorm.internal.config.PoolSettings;
import io.github.shardingorm.internal.config.ShardDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection source per shard: a HikariCP pool sharding-orm runs (the pool settings plus any
 * HikariCP property, globally or per shard), or a {@code DataSource} the user manages (never
 * configured or closed here; its connections are handed out with auto-commit off and given back as
 * they came, see {@link UserManagedConnection}). Read-only connections come from
 * {@link #readOnlyConnection(String)}, which serves them from the primary today and is where
 * per-shard replica pools plug in later.
 */
public final class ShardPools implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardPools.class);

    private final Map<String, DataSource> primaries;
    private final Map<String, String> maskedUrls;
    private final long connectionTimeoutMillis;
    private volatile CheckoutHook checkoutHook;

    /** Runs on every connection handed out (the stored topology's session version and staleness check). */
    @FunctionalInterface
    public interface CheckoutHook {
        /**
         * @param forWrite false for {@link #readOnlyConnection}
         * @throws SQLException to refuse the connection (it is closed)
         */
        void onCheckout(String shardId, Connection connection, boolean forWrite) throws SQLException;
    }

    /** Installs the checkout hook (null: none). */
    public void checkoutHook(CheckoutHook hook) {
        this.checkoutHook = hook;
    }
    private final java.util.Set<String> owned;

    private ShardPools(Map<String, DataSource> primaries, java.util.Set<String> owned, Map<String, String> maskedUrls,
                       long connectionTimeoutMillis) {
        this.primaries = primaries;
        this.maskedUrls = maskedUrls;
        this.connectionTimeoutMillis = connectionTimeoutMillis;
        this.owned = owned;
    }

    /** Creates the pools without connecting (HikariCP's initialization does not fail fast); see {@link #checkReachable}. */
    public static ShardPools create(List<ShardDefinition> shards, PoolSettings settings) {
        Map<String, DataSource> pools = new LinkedHashMap<>();
        Map<String, HikariDataSource> own = new LinkedHashMap<>();
        Map<String, String> urls = new LinkedHashMap<>();
        try {
            for (ShardDefinition shard : shards) {
                if (shard.userManaged()) {
                    pools.put(shard.id(), shard.dataSource());
                    urls.put(shard.id(), "user-managed " + shard.dataSource().getClass().getSimpleName());
                    continue;
                }
                HikariConfig hc = config(shard, settings);
                HikariDataSource pool = new HikariDataSource(hc);
                own.put(shard.id(), pool);
                pools.put(shard.id(), pool);
                urls.put(shard.id(), JdbcUrls.mask(shard.jdbcUrl()));
                LOG.debug("shard {}: pool of {} connections for {}", shard.id(), hc.getMaximumPoolSize(), JdbcUrls.mask(shard.jdbcUrl()));
            }
        } catch (RuntimeException e) {
            own.values().forEach(HikariDataSource::close);
            throw e;
        }
        return new ShardPools(pools, java.util.Set.copyOf(own.keySet()), urls, settings.connectionTimeoutMillis());
    }

    /** The HikariCP configuration of a shard sharding-orm pools: its own settings, then the HikariCP properties (global, then the shard's). */
    static HikariConfig config(ShardDefinition shard, PoolSettings settings) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("sharding-orm-" + shard.id());
        hc.setJdbcUrl(shard.jdbcUrl());
        if (shard.username() != null) {
            hc.setUsername(shard.username());
        }
        if (shard.password() != null) {
            hc.setPassword(shard.password());
        }
        hc.setMaximumPoolSize(settings.maximumPoolSize(shard.id()));
        hc.setMinimumIdle(settings.minimumIdle(shard.id()));
        hc.setConnectionTimeout(settings.connectionTimeoutMillis());
        hc.setValidationTimeout(Math.min(settings.connectionTimeoutMillis(), 1000));
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(false);
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(settings.properties(shard.id()));
        com.zaxxer.hikari.util.PropertyElf.setTargetFromProperties(hc, properties);
        return hc;
    }


    /** Tries one connection per shard in parallel; adds a problem per unreachable shard. */
    public void checkReachable(List<String> problems, List<Throwable> causes) {
        Map<String, java.util.concurrent.CompletableFuture<Void>> checks = new LinkedHashMap<>();
        for (String shard : primaries.keySet()) {
            checks.put(shard, java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (Connection c = primaries.get(shard).getConnection()) {
                    c.isValid(1);
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
        }
        checks.forEach((shard, check) -> {
            try {
                check.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause();
                problems.add("shard '" + shard + "' (" + maskedUrls.get(shard) + ") is unreachable: " + rootMessage(cause));
                causes.add(cause);
            }
        });
    }

    public Connection connection(String shardId) throws SQLException {
        return acquire(shardId, true);
    }

    private Connection acquire(String shardId, boolean forWrite) throws SQLException {
        Connection c = rawConnection(shardId);
        CheckoutHook hook = checkoutHook;
        if (hook != null) {
            try {
                hook.onCheckout(shardId, c, forWrite);
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException close) {
                    e.addSuppressed(close);
                }
                throw e;
            }
        }
        return c;
    }

    private Connection rawConnection(String shardId) throws SQLException {
        DataSource pool = primaries.get(shardId);
        if (pool == null) {
            throw new SQLException("unknown shard '" + shardId + "' (shards: " + primaries.keySet() + ")", "08001");
        }
        try {
            return owned.contains(shardId) ? pool.getConnection() : UserManagedConnection.wrap(pool.getConnection());
        } catch (SQLException e) {
            throw new ShardUnavailableSqlException(shardId, "shard '" + shardId + "' (" + maskedUrls.get(shardId)
                    + ") is unavailable: no connection within " + connectionTimeoutMillis + " ms ("
                    + stats(pool) + "): " + rootMessage(e), e);
        }
    }

    /** A read-only connection for the shard; from the primary until replica pools exist. */
    public Connection readOnlyConnection(String shardId) throws SQLException {
        Connection c = acquire(shardId, false);
        try {
            c.setReadOnly(true);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * A read-only connection in auto-commit, for reads outside a transaction: each statement
     * commits itself, so nothing is left to COMMIT or ROLL BACK when it goes back (pgjdbc switches
     * auto-commit locally when no transaction is open, and HikariCP restores the pool's mode).
     */
    public Connection autoCommitReadConnection(String shardId) throws SQLException {
        Connection c = acquire(shardId, false);
        try {
            c.setAutoCommit(true);
            c.setReadOnly(true);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    public String firstShard() {
        return primaries.keySet().iterator().next();
    }

    public String maskedUrl(String shardId) {
        return maskedUrls.get(shardId);
    }

    /** The HikariCP pool of a shard, or null when the user manages the shard's DataSource and it is not a HikariCP one. */
    public HikariDataSource pool(String shardId) {
        return primaries.get(shardId) instanceof HikariDataSource h ? h : null;
    }

    /** The shard's connection source (sharding-orm's pool or the user's DataSource). */
    public DataSource dataSource(String shardId) {
        return primaries.get(shardId);
    }

    /** Whether sharding-orm runs (and closes) the shard's pool. */
    public boolean ownsPool(String shardId) {
        return owned.contains(shardId);
    }

    private static String stats(DataSource source) {
        if (!(source instanceof HikariDataSource pool)) {
            return "user-managed " + source.getClass().getName() + ", no pool statistics";
        }
        HikariPoolMXBean mx = pool.getHikariPoolMXBean();
        if (mx == null) {
            return "pool " + pool.getPoolName() + " not started";
        }
        return "pool " + pool.getPoolName() + ": total=" + mx.getTotalConnections() + ", active=" + mx.getActiveConnections()
                + ", idle=" + mx.getIdleConnections() + ", waiting=" + mx.getThreadsAwaitingConnection();
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String state = root instanceof SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState() + "]" : "";
        return root.getClass().getSimpleName() + ": " + root.getMessage() + state;
    }

    @Override
    public void close() {
        for (String shard : owned) {
            ((HikariDataSource) primaries.get(shard)).close();
        }
    }
}
