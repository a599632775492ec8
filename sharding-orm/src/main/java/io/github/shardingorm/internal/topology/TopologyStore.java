package io.github.shardingorm.internal.topology;

import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.routing.Topology;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The topology in the shards: reading the highest stored version, and publishing a new one to
 * every shard by the ordered protocol of the package note (home-shard lock, the other shards each
 * in its own compare-and-set transaction, the home shard last). Connections come straight from
 * the pools (not through the checkout hook: the store must work while this instance is stale).
 */
final class TopologyStore {

    /** Work done on one shard in the same transaction that writes the new version there. */
    @FunctionalInterface
    interface ShardStep {
        void apply(String shard, Connection c, Topology next) throws SQLException;
    }

    private final ShardPools pools;
    private final List<String> shards; // ascending; the first is home

    TopologyStore(ShardPools pools, List<String> shardIdsAscending) {
        this.pools = pools;
        this.shards = List.copyOf(shardIdsAscending);
    }

    String home() {
        return shards.get(0);
    }

    List<String> shards() {
        return shards;
    }

    Connection connection(String shard) throws SQLException {
        Connection c = pools.dataSource(shard).getConnection(); // sharding-orm's pool or the user's DataSource, without the checkout hook
        if (c.getAutoCommit()) {
            c.setAutoCommit(false);
        }
        return c;
    }

    ShardPools pools() {
        return pools;
    }

    /**
     * The version each shard answered with, in shard order, read on the follower's own connections
     * (never the pools); a shard that fails or is skipped is left out and its failure added.
     */
    Map<String, Long> versions(TopologyConnections connections, List<String> of, List<SQLException> failures) {
        Map<String, Long> versions = new LinkedHashMap<>();
        for (String shard : of) {
            try {
                versions.put(shard, connections.run(shard, TopologyRows::version));
            } catch (SQLException e) {
                failures.add(new SQLException("shard '" + shard + "': " + e.getMessage(), e.getSQLState(), e));
            }
        }
        return versions;
    }

    /** The topology stored by {@code shard}, or null when it stores none. */
    Topology read(String shard) throws SQLException {
        try (Connection c = connection(shard)) {
            try {
                return TopologyRows.read(c);
            } finally {
                c.rollback();
            }
        }
    }

    /** The topology of the shard that stores the highest version, or null when none stores one. */
    Topology readHighest() throws SQLException {
        return readHighest(null);
    }

    /** As {@link #readHighest()}, reading the home shard through {@code homeConnection} when given. */
    private Topology readHighest(Connection homeConnection) throws SQLException {
        Topology best = null;
        for (String shard : shards) {
            Topology t;
            if (homeConnection != null && shard.equals(home())) {
                t = TopologyRows.read(homeConnection);
            } else {
                try (Connection c = connection(shard)) {
                    try {
                        t = TopologyRows.read(c);
                    } finally {
                        c.rollback();
                    }
                }
            }
            if (t != null && (best == null || t.version() > best.version())) {
                best = t;
            }
        }
        return best;
    }

    /**
     * Publishes {@code change(current)} to every shard; {@code step} runs on each shard in the
     * transaction that writes the version there. Serialized across instances by the home-shard
     * row lock.
     *
     * @return the published topology
     * @throws IllegalStateException from {@code change} (nothing written)
     * @throws ShardingException     when a shard fails (the shards written so far keep the new version;
     *                               readers take the highest, so the change is visible)
     */
    Topology publish(String what, UnaryOperator<Topology> change, ShardStep step) {
        String shard = home();
        try (Connection home = connection(shard)) {
            try {
                try (PreparedStatement ps = home.prepareStatement("SELECT version FROM sharding_orm.topology WHERE id = 1 FOR UPDATE");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
                Topology current = readHighest(home);
                if (current == null) {
                    throw new IllegalStateException(what + ": no shard stores a topology");
                }
                Topology next = change.apply(current);
                List<String> others = new ArrayList<>(shards.subList(1, shards.size()));
                for (String other : others) {
                    shard = other;
                    try (Connection c = connection(other)) {
                        writeOne(other, c, next, step);
                    }
                }
                shard = home();
                writeOne(shard, home, next, step);
                return next;
            } catch (SQLException | RuntimeException e) {
                home.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ShardingException(what + " failed on shard '" + shard + "' (" + pools.maskedUrl(shard) + "): "
                    + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
        }
    }

    private static void writeOne(String shard, Connection c, Topology next, ShardStep step) throws SQLException {
        try {
            TopologyRows.write(c, next);
            if (step != null) {
                step.apply(shard, c, next);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }
}
