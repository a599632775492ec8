package io.github.shardingorm.internal.topology;

import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.Topology;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads and writes one shard's copy of the topology ({@code sharding_orm.topology} and
 * {@code topology_range}): the map and the bucket states as maximal runs of buckets with the same
 * shard and state.
 */
final class TopologyRows {

    private TopologyRows() {
    }

    /** The stored version, or 0 when this shard stores no topology yet. */
    static long version(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT version FROM sharding_orm.topology WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The stored topology (without instances), or null when this shard stores none. */
    static Topology read(Connection c) throws SQLException {
        return read(c, false);
    }

    /**
     * As {@link #read(Connection)}; with {@code lock} the version row is read {@code FOR UPDATE}
     * (the publishers' home-shard lock, taken by the read itself: one round trip less).
     *
     * @return null when this shard stores none (nothing is locked then)
     */
    static Topology read(Connection c, boolean lock) throws SQLException {
        String cluster;
        long version;
        int buckets;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT cluster_id, version, bucket_count FROM sharding_orm.topology WHERE id = 1"
                     + (lock ? " FOR UPDATE" : ""))) {
            if (!rs.next()) {
                return null;
            }
            cluster = rs.getString(1);
            version = rs.getLong(2);
            buckets = rs.getInt(3);
        }
        ShardMap.Builder map = ShardMap.builder(buckets).version(version);
        SortedMap<Integer, BucketState> moving = new TreeMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT from_bucket, to_bucket, shard, state, move_from, move_to"
                     + " FROM sharding_orm.topology_range ORDER BY from_bucket")) {
            while (rs.next()) {
                int from = rs.getInt(1);
                int to = rs.getInt(2);
                map.assign(from, to, rs.getString(3));
                BucketState state = BucketState.of(BucketState.Phase.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6));
                if (state.phase() != BucketState.Phase.SERVING) {
                    for (int b = from; b <= to; b++) {
                        moving.put(b, state);
                    }
                }
            }
        }
        return new Topology(cluster, version, map.build(), moving, List.of(), true);
    }

    /**
     * Writes {@code next} if this shard's version is lower (compare-and-set), in the caller's
     * transaction, and queues the notification (sent on commit).
     *
     *
     * @return false when this shard already has {@code next.version()} or higher (nothing written)
     */
    static boolean write(Connection c, Topology next) throws SQLException {
        return write(c, next, true);
    }

    /** As {@link #write(Connection, Topology)}; {@code notify} false for a transaction that will be PREPAREd (NOTIFY cannot be). */
    static boolean write(Connection c, Topology next, boolean notify) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sharding_orm.topology (id, cluster_id, version, bucket_count)"
                + " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, changed_at = now()"
                + " WHERE sharding_orm.topology.version < EXCLUDED.version AND sharding_orm.topology.cluster_id = EXCLUDED.cluster_id")) {
            ps.setString(1, next.clusterId());
            ps.setLong(2, next.version());
            ps.setInt(3, next.map().bucketCount());
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        // the ranges replaced and the followers notified in ONE round trip (it was three: the DELETE, the batch
        // of inserts, the NOTIFY), on every shard and twice in a move's final stage
        List<Run> runs = runs(next);
        Object[] from = new Object[runs.size()];
        Object[] to = new Object[runs.size()];
        Object[] shard = new Object[runs.size()];
        Object[] state = new Object[runs.size()];
        Object[] moveFrom = new Object[runs.size()];
        Object[] moveTo = new Object[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            from[i] = run.from;
            to[i] = run.to;
            shard[i] = run.shard;
            state[i] = run.state.phase().name();
            moveFrom[i] = run.state.from();
            moveTo[i] = run.state.to();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sharding_orm.topology_range;"
                + " INSERT INTO sharding_orm.topology_range (from_bucket, to_bucket, shard, state, move_from, move_to)"
                + " SELECT * FROM unnest(?::int[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[])"
                + (notify ? "; NOTIFY " + TopologySchema.CHANNEL + ", '" + next.version() + "'" : ""))) {
            ps.setArray(1, c.createArrayOf("int4", from));
            ps.setArray(2, c.createArrayOf("int4", to));
            ps.setArray(3, c.createArrayOf("text", shard));
            ps.setArray(4, c.createArrayOf("text", state));
            ps.setArray(5, c.createArrayOf("text", moveFrom));
            ps.setArray(6, c.createArrayOf("text", moveTo));
            ps.execute();
        }
        return true;
    }

    private record Run(int from, int to, String shard, BucketState state) {
    }

    private static List<Run> runs(Topology t) {
        List<Run> runs = new ArrayList<>();
        int n = t.map().bucketCount();
        int start = 0;
        for (int b = 1; b <= n; b++) {
            if (b == n || !t.map().shardOf(b).equals(t.map().shardOf(start)) || !t.stateOf(b).equals(t.stateOf(start))) {
                runs.add(new Run(start, b - 1, t.map().shardOf(start), t.stateOf(start)));
                start = b;
            }
        }
        return runs;
    }
}
