package io.github.shardingorm.internal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.shardingorm.ShardUnavailableException.PoolState;
import io.github.shardingorm.ShardUnavailableException.Reason;
import io.github.shardingorm.health.NodeRole;
import io.github.shardingorm.health.ShardHealth;
import io.github.shardingorm.internal.config.Defaults;
import io.github.shardingorm.internal.config.HealthSettings;
import io.github.shardingorm.internal.config.JdbcUrls;
import io.github.shardingorm.internal.config.PoolSettings;
import io.github.shardingorm.internal.config.ReplicaDefinition;
import io.github.shardingorm.internal.config.ReplicaSettings;
import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.internal.config.PostgresUrls;
import io.github.shardingorm.internal.health.Failures;
import io.github.shardingorm.internal.health.HealthMonitor;
import io.github.shardingorm.internal.health.NodeMonitor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection source per shard primary: a HikariCP pool sharding-orm runs (the pool settings plus
 * any HikariCP property, globally or per shard), or a {@code DataSource} the user manages (never
 * configured or closed here; its connections are handed out with auto-commit off and given back as
 * they came, see {@link UserManagedConnection}); and one HikariCP pool per replica. Pools
 * sharding-orm runs on PostgreSQL get deadlines (pgjdbc
 * {@code connectTimeout}/{@code loginTimeout} from the connection timeout, {@code socketTimeout},
 * and {@code statement_timeout} as a startup option), and the circuit breaker of every database
 * ({@link HealthMonitor}) in front of them.
 *
 * <p>{@link #connection(String)} is the primary: refused at once while the shard's breaker is
 * open; a failure to get a connection is classified ({@link Failures}) and, unless it is the
 * pool's own exhaustion, counted against the shard. {@link #readOnlyConnection(String)} asks
 * {@link ReadRouter} which database serves the read.
 */
public final class ShardPools implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardPools.class);

    private final Map<String, DataSource> primaries;
    private final java.util.Set<String> owned;
    private final Map<String, String> maskedUrls;
    private final long connectionTimeoutMillis;
    private final HealthMonitor health;
    private final Map<String, List<ReadRouter.Replica>> replicas;
    private final ReadRouter reads;
    private volatile CheckoutHook checkoutHook;

    /** Runs on every connection handed out (the stored topology's session version and staleness check). */
    @FunctionalInterface
    public interface CheckoutHook {
        /**
         * @param forWrite false for {@link #readOnlyConnection}
         * @throws SQLException to refuse the connection (it is closed)
         */
        void onCheckout(String shardId, Connection connection, boolean forWrite) throws SQLException;

        /** The version a write's Java check is made against; read it BEFORE the check (0: no stored topology). */
        default long writeVersion() {
            return 0;
        }

        /**
         * Right before a write statement on {@code connection} (checked out through this hook) whose
         * Java fence check passed against routing state at least as new as {@code checkedAt}
         * ({@link #writeVersion()} read before the check): may bring the version the connection
         * carries up to {@code checkedAt}, inside the connection's current transaction.
         */
        default void beforeWrite(Connection connection, long checkedAt) throws SQLException {
        }
    }

    /** The installed checkout hook's {@link CheckoutHook#writeVersion()} (0 without one). */
    public long writeVersion() {
        CheckoutHook hook = checkoutHook;
        return hook == null ? 0 : hook.writeVersion();
    }

    /** The installed checkout hook's {@link CheckoutHook#beforeWrite} (nothing without one). */
    public void beforeWrite(Connection connection, long checkedAt) throws SQLException {
        CheckoutHook hook = checkoutHook;
        if (hook != null && checkedAt > 0) {
            hook.beforeWrite(connection, checkedAt);
        }
    }

    /** Installs the checkout hook (null: none). */
    public void checkoutHook(CheckoutHook hook) {
        this.checkoutHook = hook;
    }

    private ShardPools(Map<String, DataSource> primaries, java.util.Set<String> owned, Map<String, String> maskedUrls,
                       long connectionTimeoutMillis, HealthMonitor health, Map<String, List<ReadRouter.Replica>> replicas,
                       ReplicaSettings replicaSettings) {
        this.primaries = primaries;
        this.owned = owned;
        this.maskedUrls = maskedUrls;
        this.connectionTimeoutMillis = connectionTimeoutMillis;
        this.health = health;
        this.replicas = replicas;
        this.reads = new ReadRouter(this, replicas, replicaSettings, health);
    }

    /** Creates the pools without connecting (HikariCP's initialization does not fail fast); see {@link #startReachabilityChecks}. */
    public static ShardPools create(List<ShardDefinition> shards, PoolSettings settings, HealthSettings deadlines,
                                    ReplicaSettings replicaSettings) {
        Map<String, DataSource> pools = new LinkedHashMap<>();
        Map<String, HikariDataSource> own = new LinkedHashMap<>();
        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, List<ReadRouter.Replica>> replicas = new LinkedHashMap<>();
        List<HealthMonitor.Target> primaryTargets = new ArrayList<>();
        List<HealthMonitor.Target> replicaTargets = new ArrayList<>();
        try {
            for (ShardDefinition shard : shards) {
                DataSource source;
                String masked;
                if (shard.userManaged()) {
                    source = shard.dataSource();
                    masked = "user-managed " + shard.dataSource().getClass().getSimpleName();
                } else {
                    HikariDataSource pool = new HikariDataSource(config(shard, settings, deadlines));
                    own.put(shard.id(), pool);
                    source = pool;
                    masked = JdbcUrls.mask(shard.jdbcUrl());
                }
                pools.put(shard.id(), source);
                urls.put(shard.id(), masked);
                NodeMonitor monitor = new NodeMonitor(shard.id(), NodeRole.PRIMARY, masked, deadlines.failureThreshold(),
                        System::currentTimeMillis);
                // the outage broke the pooled connections: replace them rather than fail the first calls after healing
                monitor.onHeal(() -> {
                    softEvict(source);
                    LOG.info("{} is UP again", monitor);
                });
                primaryTargets.add(shard.userManaged()
                        ? new HealthMonitor.Target(monitor, null, null, null, source)
                        : new HealthMonitor.Target(monitor, shard.jdbcUrl(), shard.username(), shard.password(), null));
                List<ReadRouter.Replica> list = new ArrayList<>();
                int n = 0;
                for (ReplicaDefinition r : replicaSettings.of(shard.id())) {
                    n++;
                    HikariDataSource replicaPool = new HikariDataSource(config("sharding-orm-" + shard.id() + "-replica" + n, shard.id(),
                            r.jdbcUrl(), r.username(), r.password(), settings, deadlines));
                    NodeMonitor rm = new NodeMonitor(shard.id(), NodeRole.REPLICA, JdbcUrls.mask(r.jdbcUrl()),
                            deadlines.failureThreshold(), System::currentTimeMillis);
                    rm.onHeal(() -> {
                        softEvict(replicaPool);
                        LOG.info("{} is UP again", rm);
                    });
                    list.add(new ReadRouter.Replica(rm, replicaPool, r));
                    replicaTargets.add(new HealthMonitor.Target(rm, r.jdbcUrl(), r.username(), r.password(), null));
                }
                replicas.put(shard.id(), List.copyOf(list));
                LOG.debug("shard {}: {}, {} replicas", shard.id(), masked, list.size());
            }
        } catch (RuntimeException e) {
            own.values().forEach(HikariDataSource::close);
            replicas.values().forEach(l -> l.forEach(r -> r.pool().close()));
            throw e;
        }
        HealthMonitor monitor = new HealthMonitor(primaryTargets, replicaTargets, deadlines.probeIntervalMillis(),
                deadlines.probeTimeoutMillis(), Defaults.PROBE_MAX_BACKOFF_MILLIS);
        return new ShardPools(pools, java.util.Set.copyOf(own.keySet()), urls, settings.connectionTimeoutMillis(), monitor,
                replicas, replicaSettings);
    }

    private static void softEvict(DataSource source) {
        if (source instanceof HikariDataSource pool) {
            HikariPoolMXBean mx = pool.getHikariPoolMXBean();
            if (mx != null) {
                mx.softEvictConnections();
            }
        }
    }

    /** The HikariCP configuration of a shard sharding-orm pools, with the default deadlines. */
    static HikariConfig config(ShardDefinition shard, PoolSettings settings) {
        return config(shard, settings, HealthSettings.DEFAULTS);
    }

    /** Its own settings and deadlines, then the HikariCP properties (global, then the shard's). */
    static HikariConfig config(ShardDefinition shard, PoolSettings settings, HealthSettings deadlines) {
        return config("sharding-orm-" + shard.id(), shard.id(), shard.jdbcUrl(), shard.username(), shard.password(), settings, deadlines);
    }

    static HikariConfig config(String poolName, String shardId, String url, String username, String password,
                                       PoolSettings settings, HealthSettings deadlines) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(poolName);
        hc.setJdbcUrl(url);
        if (username != null) {
            hc.setUsername(username);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setMaximumPoolSize(settings.maximumPoolSize(shardId));
        hc.setMinimumIdle(settings.minimumIdle(shardId));
        hc.setConnectionTimeout(settings.connectionTimeoutMillis());
        hc.setValidationTimeout(Math.min(settings.connectionTimeoutMillis(), 1000));
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(false);
        if (PostgresUrls.isPostgres(url)) { // deadlines are pgjdbc properties; other drivers (H2) reject unknown ones
            deadlines(hc, shardId, url, settings, deadlines);
        }
        // the user's HikariCP properties last: theirs win (dataSource.socketTimeout too)
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(settings.properties(shardId));
        com.zaxxer.hikari.util.PropertyElf.setTargetFromProperties(hc, properties);
        return hc;
    }

    private static void deadlines(HikariConfig hc, String shardId, String url, PoolSettings settings, HealthSettings deadlines) {
        // deadlines: a parameter in the URL wins over these (pgjdbc reads the URL last)
        // (as strings: the driver reads java.util.Properties with getProperty, which ignores other values)
        String connectSeconds = Integer.toString(Math.max(1, HealthSettings.seconds(settings.connectionTimeoutMillis())));
        hc.addDataSourceProperty("connectTimeout", connectSeconds);
        hc.addDataSourceProperty("loginTimeout", connectSeconds);
        hc.addDataSourceProperty("socketTimeout", Integer.toString(HealthSettings.seconds(deadlines.socketTimeoutMillis(shardId))));
        long statementTimeout = deadlines.statementTimeoutMillis(shardId);
        if (statementTimeout > 0) {
            if (url.contains("options=")) {
                hc.setConnectionInitSql("SET statement_timeout = " + statementTimeout);
            } else {
                hc.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout);
            }
        }
    }

    /**
     * What start-up reads on the connection that proves a shard reachable (one round trip saved per
     * shard and per question), run on that connection; its answer is handed back per shard.
     */
    @FunctionalInterface
    public interface StartupRead<T> {
        T read(String shard, Connection connection) throws SQLException;
    }

    /** The running reachability checks of {@link #startReachabilityChecks}; {@link #finish} waits for them. */
    public final class ReachabilityChecks<T> {
        private final Map<String, CompletableFuture<T>> checks;

        private ReachabilityChecks(Map<String, CompletableFuture<T>> checks) {
            this.checks = checks;
        }

        /**
         * Waits for every check; adds a problem per unreachable shard; then checks the replicas and
         * starts the health probes. Returns what {@code read} answered per reachable shard (a shard
         * whose read failed, or answered null, is absent).
         */
        public Map<String, T> finish(List<String> problems, List<Throwable> causes) {
            Map<String, T> answers = new LinkedHashMap<>();
            checks.forEach((shard, check) -> {
                try {
                    T answer = check.join();
                    if (answer != null) {
                        answers.put(shard, answer);
                    }
                } catch (CompletionException e) {
                    Throwable cause = e.getCause();
                    String what = Failures.classify(cause) == Reason.AUTHENTICATION_FAILED ? "refused the credentials" : "is unreachable";
                    problems.add("shard '" + shard + "' (" + maskedUrls.get(shard) + ") " + what + ": " + Failures.describe(cause));
                    causes.add(cause);
                }
            });
            if (problems.isEmpty()) {
                ReplicaChecks.check(primaries, replicas, problems, causes);
            }
            if (problems.isEmpty()) {
                health.start();
            }
            return answers;
        }
    }

    /**
     * Starts one check per shard, each on its own short-lived thread (the common pool has a single
     * thread on a 2-core machine, which would try the shards one after another): a connection, a
     * validity check, then {@code read} on it (whose failure counts as no answer, not as
     * unreachable). Start-up goes on (building Hibernate's metadata) while they run.
     */
    public <T> ReachabilityChecks<T> startReachabilityChecks(StartupRead<T> read) {
        Map<String, CompletableFuture<T>> checks = new LinkedHashMap<>();
        for (String shard : primaries.keySet()) {
            CompletableFuture<T> check = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (Connection c = primaries.get(shard).getConnection()) {
                    c.isValid(1);
                    T answer = null;
                    try {
                        answer = read.read(shard, c);
                    } catch (SQLException | RuntimeException e) {
                        LOG.warn("start-up read on shard '{}' failed: {}", shard, e.toString());
                    }
                    check.complete(answer);
                } catch (SQLException | RuntimeException e) {
                    check.completeExceptionally(e);
                }
            }, "sharding-orm-start-" + shard);
            t.setDaemon(true);
            t.start();
            checks.put(shard, check);
        }
        return new ReachabilityChecks<>(checks);
    }


    /** A connection to the shard's primary; refused at once ({@link ShardUnavailableSqlException}) while its breaker is open. */
    public Connection connection(String shardId) throws SQLException {
        return acquire(shardId, true);
    }

    private Connection acquire(String shardId, boolean forWrite) throws SQLException {
        return hooked(shardId, rawConnection(shardId), forWrite);
    }

    /** Runs the checkout hook on a connection (a primary's or a replica's); closes it when the hook refuses. */
    Connection hooked(String shardId, Connection c, boolean forWrite) throws SQLException {
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
        NodeMonitor monitor = health.primary(shardId);
        if (monitor.isOpen()) {
            throw refusal(monitor);
        }
        try {
            Connection c = owned.contains(shardId) ? pool.getConnection() : UserManagedConnection.wrap(pool.getConnection());
            monitor.recordSuccess();
            return c;
        } catch (SQLException e) {
            throw unavailable(monitor, pool, e);
        }
    }

    /** A read-only connection for the shard: a replica's or the primary's, as {@link ReadRouter} decides. */
    public Connection readOnlyConnection(String shardId) throws SQLException {
        if (!primaries.containsKey(shardId)) {
            throw new SQLException("unknown shard '" + shardId + "' (shards: " + primaries.keySet() + ")", "08001");
        }
        return reads.connection(shardId);
    }

    /**
     * A read-only connection in auto-commit, for reads outside a transaction: each statement
     * commits itself, so nothing is left to COMMIT or ROLL BACK when it goes back (pgjdbc switches
     * auto-commit locally when no transaction is open, and HikariCP restores the pool's mode).
     * Chosen like {@link #readOnlyConnection}; give it back with {@link #releaseReadOnly}.
     */
    public Connection autoCommitReadConnection(String shardId) throws SQLException {
        Connection c = readOnlyConnection(shardId);
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            releaseReadOnly(c);
            throw e;
        }
        return c;
    }

    /** Gives back a connection of {@link #readOnlyConnection}. */
    public void releaseReadOnly(Connection connection) throws SQLException {
        reads.release(connection);
    }

    /** The primary's connection for a read, marked read-only. */
    Connection primaryReadOnly(String shardId) throws SQLException {
        Connection c = acquire(shardId, false);
        try {
            c.setReadOnly(true);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Whether the shard has replicas (then writes record their commit position for read-your-writes). */
    public boolean hasReplicas(String shardId) {
        List<ReadRouter.Replica> list = replicas.get(shardId);
        return list != null && !list.isEmpty();
    }

    /** The HikariCP pools of the shard's replicas, in configured order (empty without replicas). */
    public List<HikariDataSource> replicaPools(String shardId) {
        List<ReadRouter.Replica> list = replicas.get(shardId);
        return list == null ? List.of() : list.stream().map(ReadRouter.Replica::pool).toList();
    }

    /** The breaker of the shard's primary refuses calls: the exception to throw, else null. */
    public ShardUnavailableSqlException refusalIfOpen(String shardId) {
        NodeMonitor monitor = health.primary(shardId);
        return monitor != null && monitor.isOpen() ? refusal(monitor) : null;
    }

    /** A call on the shard's primary failed in a way that may say it is sick (passive signal). */
    public void recordFailure(String shardId, Throwable failure) {
        NodeMonitor monitor = health.primary(shardId);
        if (monitor != null && monitor.recordFailure(failure)) {
            LOG.warn("{} is DOWN, its breaker is open: {}", monitor, monitor.lastError());
        }
    }

    public List<ShardHealth> health() {
        return health.snapshot();
    }

    /** The exception of a call refused by an open breaker (public for the routing benchmark). */
    public static ShardUnavailableSqlException refusal(NodeMonitor m) {
        return new ShardUnavailableSqlException(m.shardId(), m.lastReason(), m.since(), null,
                m + " is DOWN since " + m.since() + ": its circuit breaker is open and refuses calls until a health probe succeeds;"
                        + " last failure: " + m.lastError(), m.lastCause());
    }

    ShardUnavailableSqlException unavailable(NodeMonitor monitor, DataSource source, SQLException e) {
        String shard = monitor.shardId();
        if (source instanceof HikariDataSource pool) {
            HikariPoolMXBean mx = pool.getHikariPoolMXBean();
            if (e.getCause() == null && mx != null && mx.getActiveConnections() >= pool.getMaximumPoolSize()) {
                PoolState state = new PoolState(mx.getActiveConnections(), mx.getIdleConnections(), mx.getThreadsAwaitingConnection(),
                        pool.getMaximumPoolSize());
                return new ShardUnavailableSqlException(shard, Reason.POOL_EXHAUSTED, null, state, monitor
                        + ": pool exhausted, no connection within " + connectionTimeoutMillis + " ms (pool " + pool.getPoolName() + ": "
                        + state + "); the application holds every connection: raise the maximum pool size or shorten transactions", e);
            }
        }
        Reason reason = Failures.classify(e);
        if (monitor.recordFailure(e)) {
            LOG.warn("{} is DOWN, its breaker is open: {}", monitor, monitor.lastError());
        }
        return new ShardUnavailableSqlException(shard, reason, null, null, monitor + " is unavailable: no connection within "
                + connectionTimeoutMillis + " ms (" + stats(source) + "): " + Failures.describe(e), e);
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

    static String stats(DataSource source) {
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
        return Failures.describe(t);
    }

    @Override
    public void close() {
        health.close();
        for (String shard : owned) {
            ((HikariDataSource) primaries.get(shard)).close();
        }
        replicas.values().forEach(l -> l.forEach(r -> r.pool().close()));
    }
}
