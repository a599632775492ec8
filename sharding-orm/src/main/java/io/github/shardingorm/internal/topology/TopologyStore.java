package io.github.shardingorm.internal.topology;

import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.routing.Topology;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology in the shards: reading the highest stored version, and publishing a new one to
 * every shard by the ordered protocol of the package note (home-shard lock, the other shards each
 * in its own compare-and-set transaction, the home shard last). Connections come straight from
 * the pools (not through the checkout hook: the store must work while this instance is stale).
 */
final class TopologyStore {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyStore.class);

    /** Work done on one shard in the same transaction that writes the new version there. */
    @FunctionalInterface
    interface ShardStep {
        void apply(String shard, Connection c, Topology next) throws SQLException;
    }

    private final ShardPools pools;
    private final List<String> shards; // ascending; the first is home
    private volatile TopologyTwoPhase twoPhase;

    /** The prefix of the transaction id of every topology change published by two-phase commit. */
    static final String TXID_PREFIX = "topo";
    /** {@code LIKE} pattern of the gids of topology changes ({@code shorm_topo<hex>:<home>:<shard>}). */
    static final String GID_LIKE = "shorm\\_topo%";

    TopologyStore(ShardPools pools, List<String> shardIdsAscending) {
        this.pools = pools;
        this.shards = List.copyOf(shardIdsAscending);
    }

    /** Publishes by two-phase commit from now on (null: the ordered protocol). */
    void twoPhase(TopologyTwoPhase log) {
        this.twoPhase = log;
    }

    TopologyTwoPhase twoPhaseLog() {
        return twoPhase;
    }

    /** Whether changes are published by two-phase commit. */
    boolean atomic() {
        return twoPhase != null;
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
        Topology best = null;
        for (String shard : shards) {
            Topology t = read(shard);
            if (t != null && (best == null || t.version() > best.version())) {
                best = t;
            }
        }
        return best;
    }

    /**
     * Publishes {@code change(current)} to every shard; {@code step} runs on each shard in the
     * transaction that writes the version there (null: none; DDL never goes in it, see {@link TriggerDdl}). Serialized across instances by the home-shard row lock. By two-phase commit
     * when every shard allows prepared transactions ({@link #twoPhase}), else by the ordered protocol.
     *
     * @return the published topology
     * @throws IllegalStateException from {@code change} (nothing written)
     * @throws ShardingException     when a shard fails (two-phase: nothing visible unless the commit
     *                               decision was logged, then recovery finishes it; ordered: the
     *                               shards written so far keep the new version, readers take the highest)
     */
    Topology publish(String what, UnaryOperator<Topology> change, ShardStep step) {
        return publish(what, change, step, t -> { });
    }

    /**
     * Like {@link #publish(String, UnaryOperator, ShardStep)}, calling {@code committed} with the new
     * topology as soon as the FIRST shard has committed it, before the others are.
     *
     * <p>Why: from a shard's commit on, its fence trigger refuses every write statement of a
     * connection carrying an older version, whatever bucket it writes. The publishing instance's
     * own connections carried the older version until it adopted the change, which it did only
     * after the last (home) shard: during the remaining shards' commits, every write of this
     * instance to the move's source was refused and retried (counted in OrmReshardingIT). Adopting
     * after the first commit is as safe as after the last: from that commit the version is visible
     * (readers take the highest; by two-phase commit the decision is logged before any commit),
     * and a failure later leaves it so.
     */
    Topology publish(String what, UnaryOperator<Topology> change, ShardStep step, java.util.function.Consumer<Topology> committed) {
        return publish(what, change, step, committed, java.util.Set.of());
    }

    /**
     * Like {@link #publish(String, UnaryOperator, ShardStep, java.util.function.Consumer)}, committing
     * the shards in {@code late} after the other non-home shards (the home shard is always last).
     *
     * <p>Why: {@code committed} (the publisher adopting the version) runs after the FIRST commit.
     * When that first commit was a fence's source (the ordered protocol writes the non-home shards
     * in ascending order), its trigger refused the publisher's own writes to the source's OTHER
     * buckets that were checked at the older version just before the adoption (OrmReshardingIT:
     * 1-3 such refusals per addShard, each a retried transaction of ~200 ms under load). With a
     * source committed after another shard, the publisher has adopted before the source's fence
     * exists. With two shards and a non-home source there is no other shard to commit first.
     */
    Topology publish(String what, UnaryOperator<Topology> change, ShardStep step, java.util.function.Consumer<Topology> committed,
                     java.util.Set<String> late) {
        TopologyTwoPhase log = twoPhase;
        return log != null ? publishTwoPhase(what, change, step, log, committed, late) : publishOrdered(what, change, step, committed, late);
    }

    /** The non-home shards in the order they commit: ascending, those in {@code late} after the others. */
    private List<String> nonHomeOrder(java.util.Set<String> late) {
        List<String> order = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (String s : shards.subList(1, shards.size())) {
            (late.contains(s) ? after : order).add(s);
        }
        order.addAll(after);
        return order;
    }

    private Topology publishOrdered(String what, UnaryOperator<Topology> change, ShardStep step,
                                    java.util.function.Consumer<Topology> committed, java.util.Set<String> late) {
        String shard = home();
        Map<String, Connection> open = new LinkedHashMap<>();
        try (Connection home = connection(shard)) {
            try {
                List<String> others = nonHomeOrder(late);
                Topology next = lockAndChange(home, what, change, others, open);
                boolean first = true;
                for (String other : others) {
                    shard = other;
                    Connection c = open.remove(other);
                    try {
                        writeOne(other, c, next, step);
                    } finally {
                        c.close();
                    }
                    if (first) {
                        first = false;
                        committed.accept(next);
                    }
                }
                shard = home();
                writeOne(shard, home, next, step);
                if (first) {
                    committed.accept(next);
                }
                return next;
            } catch (SQLException | RuntimeException e) {
                home.rollback();
                throw e;
            } finally {
                for (Connection c : open.values()) { // not reached by the writes (a failure)
                    try (c) {
                        c.rollback();
                    } catch (SQLException | RuntimeException ignored) {
                        // broken by the failure; closed all the same
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(what, shard, e);
        }
    }

    /**
     * Locks the home row, reads the highest stored topology and returns {@code change} of it. The
     * home shard's topology is read whole; each other shard (in {@code others}) only its version,
     * on a connection opened here and left in {@code open} for the caller to write the new version
     * with (its transaction stays open: a read, no lock), and whole only when it is higher than
     * the home shard's (a publication that failed half-way).
     *
     * <p>Why: every publish read the whole topology (the version row and every range) from EVERY
     * shard, each on a connection of its own that was rolled back, and then took another connection
     * per shard for the write: per publish and shard 2 reads and a rollback more than needed, all
     * under the home lock, twice in a move's final stage (fence, switch).
     */
    private Topology lockAndChange(Connection home, String what, UnaryOperator<Topology> change, List<String> others,
                                   Map<String, Connection> open) throws SQLException {
        Topology current = TopologyRows.read(home, true);
        if (current == null) { // no row to lock on the home shard: the old lock statement, as before
            try (PreparedStatement ps = home.prepareStatement("SELECT version FROM sharding_orm.topology WHERE id = 1 FOR UPDATE");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
        for (String other : others) {
            Connection c = connection(other);
            open.put(other, c);
            long v = TopologyRows.version(c);
            if (v > 0 && (current == null || v > current.version())) {
                Topology t = TopologyRows.read(c);
                if (t != null && (current == null || t.version() > current.version())) {
                    current = t;
                }
            }
        }
        if (current == null) {
            throw new IllegalStateException(what + ": no shard stores a topology");
        }
        return change.apply(current);
    }

    private ShardingException failure(String what, String shard, SQLException e) {
        return new ShardingException(what + " failed on shard '" + shard + "' (" + pools.maskedUrl(shard) + "): "
                + e.getMessage() + " [SQLState " + e.getSQLState() + "]", e);
    }

    /**
     * Two-phase: lock the home row, write every shard (home included) in its own transaction,
     * PREPARE each ({@code shorm_topo<id>:<home>:<shard>}), log the commit decision on the home
     * shard ({@code shorm_2pc_decision}), COMMIT PREPARED the others and the home shard last (the
     * lock is held until then). A failure before the decision rolls every part back; after it,
     * what is not committed yet is left to the two-phase recovery, which commits it. The prepared
     * transactions hold row locks on {@code sharding_orm}'s rows only (topology, topology_range,
     * fence): readers (the trigger, the follower) read by MVCC and do not wait, writers of the
     * user's tables do not touch them; only another publisher waits, for the home row.
     */
    private Topology publishTwoPhase(String what, UnaryOperator<Topology> change, ShardStep step, TopologyTwoPhase log,
                                     java.util.function.Consumer<Topology> adopt, java.util.Set<String> late) {
        String txid = TXID_PREFIX + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 28); // txid is varchar(32)
        String homeShard = home();
        String shard = homeShard;
        java.util.LinkedHashMap<String, Connection> open = new java.util.LinkedHashMap<>();
        List<String> prepared = new ArrayList<>();
        boolean decided = false;
        try {
            Connection home = connection(homeShard);
            open.put(homeShard, home);
            List<String> order = nonHomeOrder(late);
            Map<String, Connection> others = new LinkedHashMap<>();
            Topology next;
            try {
                next = lockAndChange(home, what, change, order, others);
            } finally {
                open.putAll(others); // rolled back below on a failure, closed in the end
            }
            order.add(homeShard); // home last: its row lock is the last to go
            for (String s : order) {
                shard = s;
                Connection c = open.get(s);
                TopologyRows.write(c, next, false);
                if (step != null) {
                    step.apply(s, c, next);
                }
            }
            log.at("BEFORE_PREPARE", txid, -1);
            int index = 0;
            for (String s : order) {
                shard = s;
                Connection c = open.get(s);
                try (Statement st = c.createStatement()) {
                    st.execute("PREPARE TRANSACTION '" + gid(txid, homeShard, s) + "'");
                }
                prepared.add(s);
                c.setAutoCommit(true); // the connection is outside any transaction now
                index++;
            }
            log.at("PREPARED", txid, index);
            shard = homeShard;
            String decision = log.decideCommit(open.get(homeShard), homeShard, txid, String.join(",", order));
            decided = true;
            if (!"commit".equals(decision)) {
                rollbackPrepared(txid, homeShard, prepared, open);
                throw new ShardingException(what + ": topology transaction " + txid + " was rolled back by recovery while"
                        + " prepared (it took longer than the two-phase grace period); nothing changed");
            }
            log.at("DECIDED", txid, -1);
            boolean all = true;
            int committed = 0;
            for (String s : order) {
                try (Statement st = open.get(s).createStatement()) {
                    st.execute("COMMIT PREPARED '" + gid(txid, homeShard, s) + "'");
                    if (committed == 0) {
                        adopt.accept(next);
                    }
                    log.at("COMMITTED", txid, committed++);
                } catch (SQLException e) {
                    all = false;
                    LOG.warn("{}: topology transaction {} is committed but COMMIT PREPARED failed on shard '{}' (recovery finishes"
                            + " it): {}", what, txid, s, e.getMessage());
                    log.requestRecovery();
                }
            }
            if (all) {
                log.forget(homeShard, txid);
            }
            notifyAll(open, next);
            return next;
        } catch (SQLException | RuntimeException e) {
            if (!decided) {
                for (Map.Entry<String, Connection> o : open.entrySet()) {
                    if (!prepared.contains(o.getKey())) {
                        try {
                            o.getValue().rollback();
                        } catch (SQLException r) {
                            e.addSuppressed(r);
                        }
                    }
                }
                rollbackPrepared(txid, homeShard, prepared, open);
            }
            if (e instanceof SQLException sql) {
                throw failure(what, shard, sql);
            }
            throw (RuntimeException) e;
        } finally {
            for (Connection c : open.values()) {
                try {
                    c.close();
                } catch (SQLException | RuntimeException ignored) {
                    // broken by the failure, or a simulated crash
                }
            }
        }
    }

    private void rollbackPrepared(String txid, String homeShard, List<String> prepared, Map<String, Connection> open) {
        for (String s : prepared) {
            try (Statement st = open.get(s).createStatement()) {
                st.execute("ROLLBACK PREPARED '" + gid(txid, homeShard, s) + "'");
            } catch (SQLException e) {
                if (!"42704".equals(e.getSQLState())) { // 42704: already resolved by recovery
                    LOG.warn("ROLLBACK PREPARED of topology transaction {} failed on shard '{}' (recovery rolls it back): {}",
                            txid, s, e.getMessage());
                }
            }
        }
    }

    /** Tells the followers at once (NOTIFY cannot be part of a prepared transaction); best effort, the poll follows anyway. */
    private static void notifyAll(Map<String, Connection> open, Topology next) {
        for (Connection c : open.values()) {
            try (Statement st = c.createStatement()) {
                st.execute("NOTIFY " + TopologySchema.CHANNEL + ", '" + next.version() + "'");
            } catch (SQLException e) {
                LOG.debug("NOTIFY of version {} failed: {}", next.version(), e.toString());
            }
        }
    }

    static String gid(String txid, String home, String shard) {
        return "shorm_" + txid + ":" + home + ":" + shard;
    }

    private static void writeOne(String shard, Connection c, Topology next, ShardStep step) throws SQLException {
        try {
            TopologyRows.write(c, next, true);
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
