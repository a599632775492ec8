package io.github.shardingorm.internal.topology;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.routing.Topology;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance on the newest stored topology. One daemon thread holds a DEDICATED
 * connection (not from the pool) to the home shard that LISTENs on {@code shorm_topology} (the
 * same connection it polls the home shard on); it
 * wakes on a notification or after the poll interval (default 250 ms), reads the version of every
 * shard (the highest wins), adopts a newer topology, and writes this instance's heartbeat
 * ({@code sharding_orm.instance}, home shard). A notification brings a new version within
 * milliseconds; the poll bounds it by the interval when notifications are lost (the listening
 * connection broke, or a writer died before notifying every shard). Each successful read resets
 * the staleness clock of {@link TopologyGuc}.
 *
 * <p>Every database call of this thread (the poll, the read of a newer topology, the heartbeat,
 * the node-id lease renewal) goes through {@link TopologyConnections}: its own connection per
 * shard with a short connect/socket timeout, never the application's pools; shards whose breaker
 * is open are skipped. A poll succeeds when at least one shard answered, so a hung or dead shard
 * (even the home shard: then the listener is off and the poll alone follows) does not stop writes
 * to the others.
 */
final class TopologyFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyFollower.class);

    private final TopologyStore store;
    private final TopologyConnections connections;
    private final TopologyService service;
    private final TopologyGuc guc;
    private final ShardDefinition home;
    private final long pollMillis;
    private final String instanceId;
    private volatile NodeLeases leases;
    private final String description;
    private final Thread thread;
    private volatile boolean running = true;
    private long failingSince;

    TopologyFollower(TopologyStore store, TopologyConnections connections, TopologyService service, TopologyGuc guc,
                     ShardDefinition home, long pollMillis, String instanceId) {
        this.instanceId = instanceId;
        this.store = store;
        this.connections = connections;
        this.service = service;
        this.guc = guc;
        this.home = home;
        this.pollMillis = pollMillis;
        this.description = describeProcess();
        connections.listenOn(store.home(), TopologySchema.CHANNEL);
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
                sleep(pollMillis);
            }
        }
    }

    /**
     * Reads the version of every healthy shard (its last read succeeded, its breaker is closed) and
     * adopts the highest when newer. A read counts as successful when at least one shard answered:
     * a shard that is down must not stop writes to the others (and a stale map cannot write to a
     * moved bucket's old owner anyway: its fence refuses). A shard whose read failed is tried
     * again in the background ({@link #retry}) until it answers, so a hung shard costs this
     * thread one timeout, not one per poll. Then heartbeats on the home shard when it answered.
     */
    void refresh() throws SQLException {
        List<SQLException> failures = new ArrayList<>();
        List<String> healthy = new ArrayList<>();
        for (String shard : store.shards()) {
            if (connections.healthy(shard)) {
                healthy.add(shard);
            } else {
                retry(shard);
            }
        }
        java.util.Map<String, Long> versions = store.versions(connections, healthy, failures);
        if (versions.isEmpty()) {
            SQLException all = new SQLException("no shard answered the topology poll (unhealthy, retried in the background: "
                    + store.shards().stream().filter(s -> !healthy.contains(s)).toList() + ")");
            failures.forEach(all::addSuppressed);
            throw all;
        }
        adoptHighest(versions);
        guc.readSucceeded();
        if (!failures.isEmpty() && System.nanoTime() - lastPartialWarning > 10_000_000_000L) {
            lastPartialWarning = System.nanoTime();
            LOG.warn("topology poll: {} of {} shards did not answer (routing on by the others): {}", failures.size(),
                    store.shards().size(), failures.get(0).getMessage());
        }
        checkInDoubt(healthy);
        if (!versions.containsKey(store.home())) {
            return; // the home shard did not answer: no heartbeat this time (it would only wait for the timeout)
        }
        try {
            heartbeat(service.current().version());
            NodeLeases l = leases;
            if (l != null) {
                l.renew(connections);
            }
        } catch (SQLException | RuntimeException e) {
            if (System.nanoTime() - lastHeartbeatWarning > 10_000_000_000L) {
                lastHeartbeatWarning = System.nanoTime();
                LOG.warn("topology heartbeat failed: {}", e.getMessage());
            }
        }
    }

    private void adoptHighest(java.util.Map<String, Long> versions) throws SQLException {
        String best = null;
        long highest = 0;
        for (java.util.Map.Entry<String, Long> e : versions.entrySet()) {
            if (e.getValue() > highest) {
                highest = e.getValue();
                best = e.getKey();
            }
        }
        if (best != null && highest > service.current().version() && !service.followingPaused()) {
            Topology t = connections.run(best, TopologyRows::read);
            if (t != null) {
                service.adopt(t);
            }
        }
    }

    private long lastInDoubtCheck = System.nanoTime();

    /**
     * Every 5 s, with two-phase publishing: when a healthy shard holds a prepared topology
     * transaction (a publisher died between its prepare and its commit), asks the recovery loop for
     * a pass, which resolves it from the logged decision once it is older than the grace period.
     * So a change left in doubt is finished by any running instance, even with periodic recovery
     * off; the prepared rows block only other publishers, never readers or the user's writers.
     */
    private void checkInDoubt(List<String> healthy) {
        TopologyTwoPhase log = store.twoPhaseLog();
        if (log == null || System.nanoTime() - lastInDoubtCheck < 5_000_000_000L) {
            return;
        }
        lastInDoubtCheck = System.nanoTime();
        for (String shard : healthy) {
            try {
                long n = connections.run(shard, c -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_prepared_xacts"
                            + " WHERE database = current_database() AND gid LIKE '" + TopologyStore.GID_LIKE + "'");
                         ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                });
                if (n > 0) {
                    LOG.info("shard '{}' holds {} prepared topology transaction(s): asking two-phase recovery to resolve them", shard, n);
                    log.requestRecovery();
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debug("checking shard '{}' for prepared topology transactions failed: {}", shard, e.toString());
            }
        }
    }

    /** Shards being retried in the background (at most one task each). */
    private final java.util.Set<String> retrying = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ExecutorService retries = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sharding-orm-topology-retry");
        t.setDaemon(true);
        return t;
    });

    /**
     * Tries an unhealthy shard again on the retry thread once its backoff has passed; when it
     * answers it is healthy again and the next poll reads it (a newer version it holds is adopted then).
     */
    private void retry(String shard) {
        if (!running || !connections.due(shard) || !retrying.add(shard)) {
            return;
        }
        try {
            retries.execute(() -> {
                try {
                    connections.run(shard, TopologyRows::version);
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("topology retry of shard '{}' failed: {}", shard, e.toString());
                } finally {
                    retrying.remove(shard);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            retrying.remove(shard);
        }
    }

    private long lastPartialWarning;
    private long lastHeartbeatWarning;

    /**
     * Waits for a notification on the home shard, at most the poll interval. The home shard's own
     * connection ({@link TopologyConnections}) LISTENs: one connection serves the poll, the
     * heartbeat and the notifications. When it is not open (home unhealthy) this waits the poll
     * interval and the poll follows the other shards; that is not a failed read.
     */
    private void waitForNotification() {
        if (!connections.awaitNotification(pollMillis)) {
            sleep(pollMillis);
        }
    }

    private void heartbeat(long version) {
        try {
            connections.run(store.home(), c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO sharding_orm.instance (instance_id, description, version)"
                        + " VALUES (?, ?, ?) ON CONFLICT (instance_id) DO UPDATE SET version = EXCLUDED.version, heartbeat_at = now()")) {
                    ps.setString(1, instanceId);
                    ps.setString(2, description);
                    ps.setLong(3, version);
                    return ps.executeUpdate();
                }
            });
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
        retries.shutdownNow();
        connections.close();
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
