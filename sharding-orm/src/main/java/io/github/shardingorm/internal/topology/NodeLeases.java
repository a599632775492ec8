package io.github.shardingorm.internal.topology;

import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.internal.id.NodeIdClaim;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node-id leases in {@code sharding_orm.node_lease} on the home shard (see {@link NodeIdClaim} for
 * the high-water mark). Acquiring takes the table lock ({@code LOCK TABLE ... IN EXCLUSIVE MODE}),
 * so two starting instances never pick the same id; the primary key is the second line of
 * defence. A lease is live while {@code expires_at > now()} (the database's clock, common to all
 * instances); renewal (with the heartbeat) moves it and the reservation; close expires it but
 * keeps the mark for the next holder.
 */
final class NodeLeases {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLeases.class);

    private final TopologyStore store;
    private final String instanceId;
    private final long leaseMillis;
    private final long windowMillis;
    private final LongSupplier clock;
    private final NodeIdClaim claim;
    private int nodeId = -1;

    NodeLeases(TopologyStore store, String instanceId, long leaseMillis, long windowMillis, LongSupplier clock, NodeIdClaim claim) {
        this.store = store;
        this.instanceId = instanceId;
        this.leaseMillis = leaseMillis;
        this.windowMillis = windowMillis;
        this.clock = clock;
        this.claim = claim;
    }

    /**
     * Leases {@code requested} (when the user configured one) or the lowest free node id.
     *
     * @throws ShardingConfigurationException when the requested id is leased by a live instance, or all are
     */
    int acquire(Integer requested) throws SQLException {
        try (Connection c = store.connection(store.home())) {
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("LOCK TABLE sharding_orm.node_lease IN EXCLUSIVE MODE");
                }
                TreeMap<Integer, String> live = new TreeMap<>();
                TreeMap<Integer, Long> marks = new TreeMap<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT node_id, instance_id,"
                        + " expires_at > now(), high_water_millis, expires_at FROM sharding_orm.node_lease")) {
                    while (rs.next()) {
                        marks.put(rs.getInt(1), rs.getLong(4));
                        if (rs.getBoolean(3)) {
                            live.put(rs.getInt(1), rs.getString(2) + " until " + rs.getTimestamp(5));
                        }
                    }
                }
                int chosen = -1;
                if (requested != null) {
                    if (live.containsKey(requested)) {
                        throw new ShardingConfigurationException(List.of("node id " + requested + " is configured but leased by the"
                                + " live instance " + live.get(requested) + "; two instances at one node id would issue the same"
                                + " @ShardedId values (leave the node id unset to lease a free one)"));
                    }
                    chosen = requested;
                } else {
                    for (int id = 0; id <= ShardAwareId.MAX_NODE_ID && chosen < 0; id++) {
                        if (!live.containsKey(id)) {
                            chosen = id;
                        }
                    }
                    if (chosen < 0) {
                        throw new ShardingConfigurationException(List.of("all " + (ShardAwareId.MAX_NODE_ID + 1)
                                + " node ids are leased by live instances: " + live));
                    }
                }
                long mark = marks.getOrDefault(chosen, 0L);
                long floor = mark + 1;
                long reserved = Math.max(floor, clock.getAsLong()) + windowMillis;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO sharding_orm.node_lease (node_id, instance_id, expires_at,"
                        + " high_water_millis) VALUES (?, ?, now() + make_interval(secs => ?), ?) ON CONFLICT (node_id) DO UPDATE SET"
                        + " instance_id = EXCLUDED.instance_id, expires_at = EXCLUDED.expires_at,"
                        + " high_water_millis = GREATEST(sharding_orm.node_lease.high_water_millis, EXCLUDED.high_water_millis)")) {
                    ps.setInt(1, chosen);
                    ps.setString(2, instanceId);
                    ps.setDouble(3, leaseMillis / 1000.0);
                    ps.setLong(4, reserved);
                    ps.executeUpdate();
                }
                c.commit();
                nodeId = chosen;
                claim.grant(chosen, floor, reserved, this::reserveThrough);
                LOG.info("node id {} leased for {} ms (ids from clock {} on; previous mark {})", chosen, leaseMillis, floor, mark);
                return chosen;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Renews the lease and moves the reservation a window ahead of the clock; revokes the claim when the lease is gone. */
    void renew(TopologyConnections connections) throws SQLException {
        long reserved = Math.max(claim.reservedUntilMillis(), clock.getAsLong() + windowMillis);
        if (!connections.run(store.home(), c -> update(c, reserved))) {
            claim.revoke("the lease of node id " + nodeId + " expired and was taken by another instance");
            throw new SQLException("node id " + nodeId + " is no longer leased by instance " + instanceId);
        }
        claim.extended(reserved);
    }

    /** Synchronous reservation when ids reach the reservation before a renewal did. */
    private long reserveThrough(long millis) {
        long reserved = millis + windowMillis;
        try {
            if (!update(reserved)) {
                claim.revoke("the lease of node id " + nodeId + " expired and was taken by another instance");
                throw new IllegalStateException("node id " + nodeId + " is no longer leased by this instance");
            }
            return reserved;
        } catch (SQLException e) {
            throw new IllegalStateException("reserving @ShardedId time up to " + reserved + " for node id " + nodeId
                    + " failed on home shard '" + store.home() + "': " + e.getMessage(), e);
        }
    }

    private boolean update(long reserved) throws SQLException {
        try (Connection c = store.connection(store.home())) {
            try {
                boolean updated = update(c, reserved);
                c.commit();
                return updated;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Moves the lease and the mark in the caller's transaction; false when this instance no longer holds the lease. */
    private boolean update(Connection c, long reserved) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sharding_orm.node_lease SET expires_at = now() + make_interval(secs => ?),"
                + " high_water_millis = GREATEST(high_water_millis, ?) WHERE node_id = ? AND instance_id = ?")) {
            ps.setDouble(1, leaseMillis / 1000.0);
            ps.setLong(2, reserved);
            ps.setInt(3, nodeId);
            ps.setString(4, instanceId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Expires the lease now, keeping the mark. */
    void release() {
        if (nodeId < 0) {
            return;
        }
        claim.revoke("the persistence unit is closed");
        try (Connection c = store.connection(store.home())) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE sharding_orm.node_lease SET expires_at = now() - interval '1 second'"
                    + " WHERE node_id = ? AND instance_id = ?")) {
                ps.setInt(1, nodeId);
                ps.setString(2, instanceId);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            LOG.debug("releasing node id {} failed (it expires on its own)", nodeId, e);
        }
    }
}
