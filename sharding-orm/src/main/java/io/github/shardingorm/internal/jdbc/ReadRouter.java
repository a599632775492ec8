package io.github.shardingorm.internal.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.github.shardingorm.ShardUnavailableException.Reason;
import io.github.shardingorm.health.ReadFallback;
import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.internal.config.ReplicaDefinition;
import io.github.shardingorm.internal.config.ReplicaSettings;
import io.github.shardingorm.internal.health.HealthMonitor;
import io.github.shardingorm.internal.health.NodeMonitor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Chooses the database that serves one read-only connection of a shard.
 *
 * <p>The decision uses only what the probes sampled (breaker state, lag, replay LSN: volatile
 * reads, no I/O) unless the caller's consistency token is ahead of every fresh replica's last
 * sample: then it asks one replica for its replay LSN on the connection it would serve, and
 * polls it for at most the read-your-writes wait. In order:
 * <ol>
 *   <li>{@code PRIMARY}, or a shard without replicas: the primary.</li>
 *   <li>Round robin over the replicas that qualify: breaker closed, lag within the limit, sampled
 *       replay LSN at or past the token's position for the shard.</li>
 *   <li>The replica within the lag limit closest to the token (highest sampled replay LSN), if it
 *       replays past the token within the wait.</li>
 *   <li>{@code REPLICA_ONLY}: fail. {@code REPLICA_PREFERRED}: the primary, holding one of the
 *       shard's fallback permits until the connection is released, so that a replica outage
 *       cannot flood the primary; when none is free, or the primary's breaker is open: the
 *       least-lagging reachable replica within the staleness bound that has the caller's writes
 *       (policy {@code STALE}, or the primary down), else fail.</li>
 * </ol>
 * A read is never served by a database behind a write the token has seen: the staleness bound
 * relaxes the lag limit, never the token.
 */
final class ReadRouter {

    /** One replica: its breaker and samples, its pool. */
    record Replica(NodeMonitor monitor, HikariDataSource pool, ReplicaDefinition definition) {
    }

    private final ShardPools pools;
    private final Map<String, List<Replica>> replicas;
    private final ReplicaSettings settings;
    private final HealthMonitor health;
    private final ReplicaChoice choice;
    private final Map<String, Semaphore> fallbackPermits = new LinkedHashMap<>();
    private final Map<Connection, Semaphore> heldPermits = new ConcurrentHashMap<>();

    ReadRouter(ShardPools pools, Map<String, List<Replica>> replicas, ReplicaSettings settings, HealthMonitor health) {
        this.pools = pools;
        this.replicas = replicas;
        this.settings = settings;
        this.health = health;
        Map<String, List<NodeMonitor>> monitors = new LinkedHashMap<>();
        replicas.forEach((shard, list) -> {
            monitors.put(shard, list.stream().map(Replica::monitor).toList());
            fallbackPermits.put(shard, new Semaphore(settings.primaryFallbackPermits()));
        });
        this.choice = new ReplicaChoice(monitors, settings, health.maxSampleAgeNanos());
    }

    Connection connection(String shard) throws SQLException {
        int chosen = choice.choose(shard);
        if (chosen == ReplicaChoice.PRIMARY) {
            return pools.primaryReadOnly(shard);
        }
        List<Replica> list = replicas.get(shard);
        ReadContext context = ReadContext.current();
        ReadFrom from = context.readFrom() != null ? context.readFrom() : settings.readFrom();
        long needed = context.tokenPosition(shard);
        long maxLag = context.maxLagMillis() >= 0 ? context.maxLagMillis() : settings.maxLagMillis();
        long now = System.nanoTime();
        long maxAge = health.maxSampleAgeNanos();
        int n = list.size();
        // 1. a replica that qualifies on its last sample (then the others in turn, should its pool give nothing)
        if (chosen != ReplicaChoice.NONE) {
            for (int i = 0; i < n; i++) {
                Replica r = list.get((chosen + i) % n);
                NodeMonitor m = r.monitor();
                if (i == 0 || (!m.isOpen() && m.lagMillis(now, maxAge) <= maxLag && m.walLsn() >= needed)) {
                    Connection c = replicaConnection(r);
                    if (c != null) {
                        return servedByReplica(c);
                    }
                }
            }
        }
        int start = Math.max(chosen, 0);
        // 2. within the lag limit but behind the token at its last sample: wait a little for the one closest to it
        if (needed > 0 && settings.readYourWritesWaitMillis() > 0) {
            Replica closest = null;
            for (int i = 0; i < n; i++) {
                Replica r = list.get((start + i) % n);
                if (!r.monitor().isOpen() && r.monitor().lagMillis(now, maxAge) <= maxLag
                        && (closest == null || r.monitor().walLsn() > closest.monitor().walLsn())) {
                    closest = r;
                }
            }
            if (closest != null) {
                Connection c = replicaPast(closest, needed, settings.readYourWritesWaitMillis());
                if (c != null) {
                    return servedByReplica(c);
                }
            }
        }
        // 3. no replica qualifies
        if (from == ReadFrom.REPLICA_ONLY) {
            throw noReplica(shard, list, needed, maxLag, "read-from REPLICA_ONLY");
        }
        ShardUnavailableSqlException primaryDown = pools.refusalIfOpen(shard);
        if (primaryDown == null) {
            Semaphore permits = fallbackPermits.get(shard);
            if (permits.tryAcquire()) {
                try {
                    Connection c = pools.primaryReadOnly(shard);
                    heldPermits.put(c, permits);
                    return c;
                } catch (SQLException | RuntimeException e) {
                    permits.release();
                    throw e;
                }
            }
            if (settings.fallback() == ReadFallback.FAIL) {
                throw noReplica(shard, list, needed, maxLag, "all " + settings.primaryFallbackPermits()
                        + " permits of reads falling back to the primary are in use (fallback FAIL)");
            }
        }
        // 4. the least-lagging reachable replica within the staleness bound that has the caller's writes
        Replica best = null;
        long bestLag = Long.MAX_VALUE;
        for (Replica r : list) {
            long lag = r.monitor().lagMillis(now, maxAge);
            if (!r.monitor().isOpen() && lag <= settings.maxStalenessMillis() && r.monitor().walLsn() >= needed && lag < bestLag) {
                best = r;
                bestLag = lag;
            }
        }
        if (best != null) {
            Connection c = replicaConnection(best);
            if (c != null) {
                return servedByReplica(c);
            }
        }
        if (primaryDown != null) {
            throw primaryDown;
        }
        throw noReplica(shard, list, needed, maxLag, "no replica within the staleness bound of "
                + settings.maxStalenessMillis() + " ms either (fallback STALE)");
    }

    private static Connection servedByReplica(Connection c) {
        ReadContext.servedByReplica();
        return c;
    }

    void release(Connection connection) throws SQLException {
        Semaphore permits = heldPermits.remove(connection);
        try {
            connection.close();
        } finally {
            if (permits != null) {
                permits.release();
            }
        }
    }

    /** A read-only connection of the replica, or null when it gives none (the failure counts against it). */
    private Connection replicaConnection(Replica r) {
        try {
            Connection c = r.pool().getConnection();
            try {
                c.setReadOnly(true);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            r.monitor().recordSuccess();
            return pools.hooked(r.monitor().shardId(), c, false);
        } catch (SQLException e) {
            r.monitor().recordFailure(e);
            return null;
        }
    }

    /** A connection of the replica once it has replayed {@code needed}, polled for at most {@code waitMillis}; else null. */
    private Connection replicaPast(Replica r, long needed, long waitMillis) {
        Connection c = replicaConnection(r);
        if (c == null) {
            return null;
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        try (Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery("select (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint")) {
                    rs.next();
                    if (rs.getLong(1) >= needed) {
                        c.commit();
                        return c;
                    }
                }
                if (System.nanoTime() >= deadline) {
                    break;
                }
                Thread.sleep(2);
            }
        } catch (SQLException e) {
            r.monitor().recordFailure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            c.rollback();
            c.close();
        } catch (SQLException e) {
            r.monitor().recordFailure(e);
        }
        return null;
    }

    private ShardUnavailableSqlException noReplica(String shard, List<Replica> list, long needed, long maxLag, String why) {
        long now = System.nanoTime();
        long maxAge = health.maxSampleAgeNanos();
        List<String> states = new ArrayList<>();
        for (Replica r : list) {
            NodeMonitor m = r.monitor();
            long lag = m.lagMillis(now, maxAge);
            states.add(m.maskedUrl() + " " + m.state() + (lag == NodeMonitor.INFINITE_LAG ? " lag unknown" : " lag " + lag + " ms")
                    + (m.walLsn() < needed ? " behind the caller's writes" : ""));
        }
        return new ShardUnavailableSqlException(shard, Reason.REPLICAS_UNAVAILABLE, null, null, "no replica of shard '" + shard
                + "' qualifies for a read (up, lag <= " + maxLag + " ms, past the caller's writes): " + states + "; " + why, null);
    }
}
