package io.github.shardingorm.internal.topology;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.routing.Topology;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance on the newest stored topology. One daemon thread holds a DEDICATED
 * connection (not from the pool) to the home shard that LISTENs on {@code shorm_topology}; it
 * wakes on a notification or after the poll interval (default 250 ms), reads the version of every
 * shard (the highest wins), adopts a newer topology, and writes this instance's heartbeat
 * ({@code sharding_orm.instance}, home shard). A notification brings a new version within
 * milliseconds; the poll bounds it by the interval when notifications are lost (the listening
 * connection broke, or a writer died before notifying every shard). Each successful read resets
 * the staleness clock of {@link TopologyGuc}.
 */
final class TopologyFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyFollower.class);

    private final TopologyStore store;
    private final TopologyService service;
    private final TopologyGuc guc;
    private final ShardDefinition home;
    private final long pollMillis;
    private final String instanceId;
    private volatile NodeLeases leases;
    private final String description;
    private final Thread thread;
    private volatile boolean running = true;
    private Connection listener;
    private long failingSince;

    TopologyFollower(TopologyStore store, TopologyService service, TopologyGuc guc, ShardDefinition home, long pollMillis,
                     String instanceId) {
        this.instanceId = instanceId;
        this.store = store;
        this.service = service;
        this.guc = guc;
        this.home = home;
        this.pollMillis = pollMillis;
        this.description = describeProcess();
        this.thread = new Thread(this::run, "sharding-orm-topology");
        this.thread.setDaemon(true);
    }

    /** Renews the node-id lease with every heartbeat. */
    void leases(NodeLeases nodeLeases) {
        this.leases = nodeLeases;
    }

    void start() {
        heartbeat(service.current().version());
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                waitForNotification();
                refresh();
                if (failingSince != 0) {
                    LOG.info("topology readable again after {} ms", (System.nanoTime() - failingSince) / 1_000_000);
                    failingSince = 0;
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                guc.readFailed(e);
                if (failingSince == 0) {
                    failingSince = System.nanoTime();
                    LOG.warn("reading the stored topology failed (retrying every {} ms): {}", pollMillis, e.getMessage(), e);
                }
                closeListener();
                sleep(pollMillis);
            }
        }
    }

    /**
     * Reads every shard's version and adopts the highest when newer. A read counts as successful
     * when at least one shard answered: a shard that is down must not stop writes to the others
     * (and a stale map cannot write to a moved bucket's old owner anyway: its fence refuses).
     * Then heartbeats on the home shard (a failure there is logged, not counted).
     */
    void refresh() throws SQLException {
        List<SQLException> failures = new ArrayList<>();
        java.util.Map<String, Long> versions = store.versions(failures);
        if (versions.isEmpty()) {
            SQLException all = new SQLException("no shard answered the topology poll");
            failures.forEach(all::addSuppressed);
            throw all;
        }
        String best = null;
        long highest = 0;
        for (java.util.Map.Entry<String, Long> e : versions.entrySet()) {
            if (e.getValue() > highest) {
                highest = e.getValue();
                best = e.getKey();
            }
        }
        if (best != null && highest > service.current().version() && !service.followingPaused()) {
            Topology t = store.read(best);
            if (t != null) {
                service.adopt(t);
            }
        }
        guc.readSucceeded();
        if (!failures.isEmpty() && System.nanoTime() - lastPartialWarning > 10_000_000_000L) {
            lastPartialWarning = System.nanoTime();
            LOG.warn("topology poll: {} of {} shards did not answer (routing on by the others): {}", failures.size(),
                    store.shards().size(), failures.get(0).getMessage());
        }
        try {
            heartbeat(service.current().version());
            NodeLeases l = leases;
            if (l != null) {
                l.renew();
            }
        } catch (SQLException | RuntimeException e) {
            if (System.nanoTime() - lastHeartbeatWarning > 10_000_000_000L) {
                lastHeartbeatWarning = System.nanoTime();
                LOG.warn("topology heartbeat failed: {}", e.getMessage());
            }
        }
    }

    private long lastPartialWarning;
    private long lastHeartbeatWarning;

    private void waitForNotification() throws SQLException {
        if (listener == null) {
            Properties p = new Properties();
            if (home.username() != null) {
                p.setProperty("user", home.username());
            }
            if (home.password() != null) {
                p.setProperty("password", home.password());
            }
            p.setProperty("ApplicationName", "sharding-orm topology follower");
            listener = DriverManager.getConnection(home.jdbcUrl(), p);
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN " + TopologySchema.CHANNEL);
            }
        }
        PGNotification[] notes = listener.unwrap(PGConnection.class).getNotifications((int) pollMillis);
        if (notes == null) {
            // no notification within the poll interval: poll anyway
            return;
        }
    }

    private void heartbeat(long version) {
        try (Connection c = store.connection(store.home())) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sharding_orm.instance (instance_id, description, version)"
                    + " VALUES (?, ?, ?) ON CONFLICT (instance_id) DO UPDATE SET version = EXCLUDED.version, heartbeat_at = now()")) {
                ps.setString(1, instanceId);
                ps.setString(2, description);
                ps.setLong(3, version);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("heartbeat on home shard '" + store.home() + "' failed: " + e.getMessage(), e);
        }
    }

    /** The instances whose heartbeat is younger than {@code aliveMillis}, from the home shard. */
    List<Topology.Instance> instances(long aliveMillis) {
        List<Topology.Instance> out = new ArrayList<>();
        try (Connection c = store.connection(store.home())) {
            try (PreparedStatement ps = c.prepareStatement("SELECT instance_id, description, version, heartbeat_at FROM sharding_orm.instance"
                    + " WHERE heartbeat_at > now() - make_interval(secs => ?) ORDER BY started_at")) {
                ps.setDouble(1, aliveMillis / 1000.0);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Topology.Instance(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant()));
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.warn("reading the instances from home shard '{}' failed: {}", store.home(), e.getMessage(), e);
        }
        return out;
    }

    private void closeListener() {
        Connection c = listener;
        listener = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the topology listener failed", e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describeProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + " pid " + ProcessHandle.current().pid() + " (" + ManagementFactory.getRuntimeMXBean().getName() + ")";
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeListener();
        NodeLeases l = leases;
        if (l != null) {
            l.release();
        }
        try (Connection c = store.connection(store.home())) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sharding_orm.instance WHERE instance_id = ?")) {
                ps.setString(1, instanceId);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("removing instance {} from the home shard failed", instanceId, e);
        }
    }
}
