package io.github.shardingorm.it.resharding;

import io.github.shardingorm.internal.resharding.MoveTopology;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test topology stored in the databases, so that a mover in another JVM and the writers of
 * the test share it: the owner and state of each bucket in {@code test_topology} on a home
 * shard, and on every shard a guard row per bucket ({@code test_fence.writable}). A writer
 * locks its bucket's guard row FOR SHARE in its write transaction and gives up when it is not
 * writable; {@link #fence} sets it false with an UPDATE, which waits for the writers holding
 * it, so no write can commit on the source after the fence returns. This stands in for the
 * topology issue's fence until it lands.
 */
final class GuardTopology implements MoveTopology {

    private final ReshardFixture.Shard home;
    private final Map<String, ReshardFixture.Shard> shards = new LinkedHashMap<>();
    private final int bucketCount;

    GuardTopology(ReshardFixture.Shard home, List<ReshardFixture.Shard> shards, int bucketCount) {
        this.home = home;
        shards.forEach(s -> this.shards.put(s.id(), s));
        this.bucketCount = bucketCount;
    }

    /** Creates the tables with {@code owners[b]} owning bucket b. */
    void create(String[] owners) throws SQLException {
        try (Connection c = home.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE test_topology (bucket int PRIMARY KEY, owner text NOT NULL, state text NOT NULL)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO test_topology VALUES (?, ?, 'SERVING')")) {
                for (int b = 0; b < bucketCount; b++) {
                    ps.setInt(1, b);
                    ps.setString(2, owners[b]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        for (ReshardFixture.Shard s : shards.values()) {
            try (Connection c = s.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE test_fence (bucket int PRIMARY KEY, writable boolean NOT NULL)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO test_fence VALUES (?, ?)")) {
                    for (int b = 0; b < bucketCount; b++) {
                        ps.setInt(1, b);
                        ps.setBoolean(2, owners[b].equals(s.id()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }
    }

    /** Owner of every bucket, as stored. */
    String[] owners() {
        String[] owners = new String[bucketCount];
        try (Connection c = home.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT bucket, owner FROM test_topology")) {
            while (rs.next()) {
                owners[rs.getInt(1)] = rs.getString(2);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return owners;
    }

    @Override
    public String ownerOf(int bucket) {
        return owners()[bucket];
    }

    @Override
    public int bucketCount() {
        return bucketCount;
    }

    @Override
    public boolean isMoving(int bucket) {
        try (Connection c = home.connect();
             PreparedStatement ps = c.prepareStatement("SELECT state FROM test_topology WHERE bucket = ?")) {
            ps.setInt(1, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return !rs.getString(1).equals("SERVING");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void beginMove(Set<Integer> buckets, String from, String to) {
        home(buckets, "UPDATE test_topology SET state = 'MOVING:" + from + ":" + to + "' WHERE bucket = ANY(?)");
    }

    @Override
    public void fence(Set<Integer> buckets) {
        String from = movingFrom(buckets);
        guard(from, buckets, false);
        home(buckets, "UPDATE test_topology SET state = state || ':FENCED' WHERE bucket = ANY(?) AND state NOT LIKE '%FENCED'");
    }

    @Override
    public void completeMove(Set<Integer> buckets) {
        String state = state(buckets);
        if (state.equals("SERVING")) {
            return;
        }
        String[] p = state.split(":");
        guard(p[1], buckets, false);
        guard(p[2], buckets, true);
        home(buckets, "UPDATE test_topology SET owner = '" + p[2] + "', state = 'SERVING' WHERE bucket = ANY(?)");
    }

    @Override
    public void abortMove(Set<Integer> buckets) {
        String state = state(buckets);
        if (state.equals("SERVING")) {
            return;
        }
        guard(state.split(":")[1], buckets, true);
        home(buckets, "UPDATE test_topology SET state = 'SERVING' WHERE bucket = ANY(?)");
    }

    /** Buckets left fenced or moving (the leftover check). */
    List<Integer> notServing() {
        List<Integer> left = new ArrayList<>();
        try (Connection c = home.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT bucket FROM test_topology WHERE state <> 'SERVING' ORDER BY bucket")) {
            while (rs.next()) {
                left.add(rs.getInt(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return left;
    }

    private String movingFrom(Set<Integer> buckets) {
        String state = state(buckets);
        if (!state.startsWith("MOVING")) {
            throw new IllegalStateException("fence of buckets that are not moving: " + state);
        }
        return state.split(":")[1];
    }

    private String state(Set<Integer> buckets) {
        try (Connection c = home.connect();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT state FROM test_topology WHERE bucket = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("int", buckets.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                List<String> states = new ArrayList<>();
                while (rs.next()) {
                    states.add(rs.getString(1));
                }
                if (states.size() != 1) {
                    throw new IllegalStateException("buckets " + buckets + " are in different states " + states);
                }
                return states.get(0);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void guard(String shard, Set<Integer> buckets, boolean writable) {
        try (Connection c = shards.get(shard).connect();
             PreparedStatement ps = c.prepareStatement("UPDATE test_fence SET writable = ? WHERE bucket = ANY(?)")) {
            ps.setBoolean(1, writable);
            ps.setArray(2, c.createArrayOf("int", buckets.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void home(Set<Integer> buckets, String sql) {
        try (Connection c = home.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("int", buckets.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
