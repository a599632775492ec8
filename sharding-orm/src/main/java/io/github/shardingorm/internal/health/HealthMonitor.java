package io.github.shardingorm.internal.health;

import io.github.shardingorm.health.NodeRole;
import io.github.shardingorm.health.ShardHealth;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every primary and replica on its own connection, opened with {@link DriverManager} and
 * kept between probes (never one from the application's pools, which may be exhausted or broken
 * in ways a probe must not share).
 *
 * <p>Each database has its own self-rescheduling task on a small daemon scheduler
 * ({@code sharding-orm-health-N}), so a hung server delays only its own probe. One probe is one
 * query: a primary answers {@code pg_is_in_recovery()} (true: it was demoted, the breaker opens
 * with reason {@code READ_ONLY}) and its WAL position; a replica answers {@code pg_is_in_recovery()}
 * (false: it was promoted and gets no reads), its replay LSN and the age of its last replayed
 * commit. A replica's lag is 0 when it has replayed what the primary had written at the primary's
 * last sample, otherwise the age of its last replayed commit (an idle primary keeps a replica at 0;
 * a replica applying with a delay shows that delay).
 *
 * <p>Another database than PostgreSQL (H2 in the samples) is probed with the driver's
 * {@code isValid}: up or down, no role, no WAL position (replicas are PostgreSQL only).
 *
 * <p>Timing: every probe interval while closed; after a failure at once again (50 ms), so that a
 * dead or hung server opens its breaker within about threshold x probe timeout; while open with a
 * backoff doubling from 100 ms to {@code maxBackoffMillis}, so that a healed server is {@code UP}
 * within about that.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /**
     * One database to probe: its breaker and how to reach it: a JDBC URL, or (a shard whose
     * {@code DataSource} the user manages, no URL known) that DataSource, checked with {@code isValid}.
     */
    public record Target(NodeMonitor monitor, String jdbcUrl, String username, String password, javax.sql.DataSource dataSource) {
        @Override
        public String toString() {
            return monitor.toString();
        }
    }

    private final Map<String, Target> primaries = new LinkedHashMap<>();
    private final Map<String, List<Target>> replicas = new LinkedHashMap<>();
    private final long intervalMillis;
    private final long timeoutMillis;
    private final long maxBackoffMillis;
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile boolean closed;

    public HealthMonitor(List<Target> primaries, List<Target> replicas, long intervalMillis, long timeoutMillis, long maxBackoffMillis) {
        primaries.forEach(t -> this.primaries.put(t.monitor().shardId(), t));
        this.primaries.keySet().forEach(s -> this.replicas.put(s, new ArrayList<>()));
        replicas.forEach(t -> this.replicas.computeIfAbsent(t.monitor().shardId(), s -> new ArrayList<>()).add(t));
        this.intervalMillis = intervalMillis;
        this.timeoutMillis = timeoutMillis;
        this.maxBackoffMillis = maxBackoffMillis;
        AtomicInteger n = new AtomicInteger();
        int nodes = primaries.size() + replicas.size();
        this.scheduler = new ScheduledThreadPoolExecutor(Math.max(1, Math.min(16, nodes)), r -> {
            Thread t = new Thread(r, "sharding-orm-health-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts probing. The first probe of a primary without replicas runs one interval from now
     * (start-up has just connected to it: probing it at once would only compete with start-up for
     * the CPU); replicas and their primaries are probed at once (a replica's lag is measured
     * against its primary's position and must be known before it serves reads).
     */
    public void start() {
        primaries.forEach((shard, t) -> scheduler.schedule(new Probe(t, null),
                replicas.get(shard).isEmpty() ? intervalMillis : 0, TimeUnit.MILLISECONDS));
        replicas.forEach((shard, list) -> list.forEach(t -> scheduler.execute(new Probe(t, primaries.get(shard).monitor()))));
    }

    public NodeMonitor primary(String shardId) {
        Target t = primaries.get(shardId);
        return t == null ? null : t.monitor();
    }

    public List<NodeMonitor> replicas(String shardId) {
        return replicas.getOrDefault(shardId, List.of()).stream().map(Target::monitor).toList();
    }

    /** A sample older than this counts as infinitely behind. */
    public long maxSampleAgeNanos() {
        return TimeUnit.MILLISECONDS.toNanos(3 * intervalMillis + timeoutMillis);
    }

    public List<ShardHealth> snapshot() {
        long now = System.nanoTime();
        long maxAge = maxSampleAgeNanos();
        List<ShardHealth> out = new ArrayList<>();
        primaries.forEach((shard, t) -> out.add(new ShardHealth(shard, t.monitor().snapshot(now, maxAge),
                replicas.get(shard).stream().map(r -> r.monitor().snapshot(now, maxAge)).toList())));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
    }

    // ------------------------------------------------------------------ the probe of one database

    private final class Probe implements Runnable {
        private final Target target;
        private final NodeMonitor primaryOfReplica;
        private final boolean postgres;
        private Connection connection;
        private long backoffMillis;

        Probe(Target target, NodeMonitor primaryOfReplica) {
            this.target = target;
            this.postgres = target.jdbcUrl() != null && io.github.shardingorm.internal.config.PostgresUrls.isPostgres(target.jdbcUrl());
            this.primaryOfReplica = primaryOfReplica;
        }

        @Override
        public void run() {
            if (closed) {
                closeConnection();
                return;
            }
            long next;
            try {
                probeOnce();
                backoffMillis = 0;
                next = intervalMillis;
            } catch (SQLException | RuntimeException e) {
                closeConnection();
                NodeMonitor m = target.monitor();
                boolean wasOpen = m.isOpen();
                if (m.recordFailure(e)) {
                    LOG.warn("{} is DOWN, its breaker is open: {}", m, m.lastError());
                }
                if (wasOpen || m.isOpen()) {
                    backoffMillis = backoffMillis == 0 ? 100 : Math.min(maxBackoffMillis, backoffMillis * 2);
                    next = backoffMillis;
                } else {
                    next = 50;
                }
            }
            if (!closed) {
                try {
                    scheduler.schedule(this, next, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    closeConnection();
                }
            } else {
                closeConnection();
            }
        }

        private void probeOnce() throws SQLException {
            NodeMonitor m = target.monitor();
            long start = System.nanoTime();
            if (connection == null) {
                connection = connect();
            }
            if (!postgres) {
                // another database (H2 in the samples): the driver's own validity check, no roles, no WAL
                if (!connection.isValid((int) Math.max(1, (timeoutMillis + 999) / 1000))) {
                    throw new SQLException(m + " did not answer the validity check within " + timeoutMillis + " ms", "08006");
                }
                if (target.dataSource() != null) {
                    // a connection of the user's pool goes back after each probe (close, not abort: the pool keeps it)
                    Connection c = connection;
                    connection = null;
                    c.close();
                }
                m.probeSucceeded(System.nanoTime() - start);
                return;
            }
            boolean replica = m.role() == NodeRole.REPLICA;
            String sql = replica
                    ? "select pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn() - '0/0'::pg_lsn, 0)::bigint,"
                      + " coalesce((extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::bigint, -1)"
                    : "select pg_is_in_recovery(), case when pg_is_in_recovery() then 0"
                      + " else (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint end, 0";
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                boolean inRecovery = rs.getBoolean(1);
                long lsn = rs.getLong(2);
                long replayAgeMillis = rs.getLong(3);
                long now = System.nanoTime();
                if (!replica && inRecovery) {
                    throw new SQLException(m + " is in recovery: it is no longer the primary", "25006");
                }
                if (replica && !inRecovery) {
                    throw new SQLException(m + " is not in recovery (promoted?): it gets no reads", "25000");
                }
                if (replica) {
                    long primaryLsn = primaryOfReplica.walLsn();
                    long lag = lsn >= primaryLsn ? 0 : (replayAgeMillis < 0 ? NodeMonitor.INFINITE_LAG : replayAgeMillis);
                    m.sampledReplica(lsn, lag, now);
                } else {
                    m.sampledPrimary(lsn, now);
                }
                m.probeSucceeded(now - start);
            }
        }

        private Connection connect() throws SQLException {
            if (target.dataSource() != null) {
                return target.dataSource().getConnection();
            }
            Properties props = new Properties();
            if (target.username() != null) {
                props.setProperty("user", target.username());
            }
            if (target.password() != null) {
                props.setProperty("password", target.password());
            }
            if (postgres) {
                String seconds = Integer.toString((int) Math.max(1, (timeoutMillis + 999) / 1000));
                props.setProperty("connectTimeout", seconds);
                props.setProperty("loginTimeout", seconds);
                props.setProperty("socketTimeout", seconds);
                props.setProperty("ApplicationName", "sharding-orm-health");
            }
            Connection c = DriverManager.getConnection(target.jdbcUrl(), props);
            try {
                if (postgres) {
                    c.setNetworkTimeout(DIRECT, (int) timeoutMillis);
                }
                c.setAutoCommit(true);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }

        private void closeConnection() {
            Connection c = connection;
            connection = null;
            if (c != null) {
                try {
                    c.abort(DIRECT);
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("closing the probe connection of {} failed: {}", target, e.toString());
                }
            }
        }
    }

    private static final Executor DIRECT = Runnable::run;
}
