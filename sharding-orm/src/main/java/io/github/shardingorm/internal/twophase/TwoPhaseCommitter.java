package io.github.shardingorm.internal.twophase;

import io.github.shardingorm.CrossShardSessions;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.jdbc.ReadContext;
import io.github.shardingorm.internal.jdbc.ShardJdbc;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.twophase.TwoPhaseFaults.Point;
import io.github.shardingorm.routing.StableKeyHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL two-phase commit across shards.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>open one session per shard, run the work, flush each;</li>
 *   <li>{@code PREPARE TRANSACTION 'shorm_<txid>:<coordinator>:<participant>'} on each shard;</li>
 *   <li>log the decision: {@code INSERT INTO shorm_2pc_decision (txid, 'commit') ON CONFLICT DO NOTHING}
 *       on the coordinator shard (the shard the txid hashes to, named in the gid). The row's primary key is
 *       the single point of decision: recovery that finds an old prepared transaction without a
 *       decision inserts {@code 'abort'} the same way, and whichever insert comes first wins;</li>
 *   <li>{@code COMMIT PREPARED} each participant (or {@code ROLLBACK PREPARED} when abort won);</li>
 *   <li>delete the decision row once every participant committed.</li>
 * </ol>
 * A failure before the decision rolls back every prepared participant. A failure after it leaves
 * the rest to recovery ({@link #recover()}), which commits them: the transaction is committed.
 *
 * <p>Read-your-writes: after {@code COMMIT PREPARED} on a participant with replicas, the same
 * connection reads the primary's WAL position into the caller's consistency token (a participant
 * left to recovery records nothing: its write is not visible anywhere yet).
 */
public final class TwoPhaseCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(TwoPhaseCommitter.class);

    /** Prefix of every global transaction id sharding-orm prepares. */
    public static final String GID_PREFIX = "shorm_";

    private final SessionFactory sessionFactory;
    private final ShardSessions sessions;
    private final ShardRouter router;
    private final ShardJdbc jdbc;
    private final TwoPhaseFaults faults;
    private final long graceMillis;
    private final String unavailableReason;

    /**
     * @param unavailableReason null when every shard allows prepared transactions, else why two-phase commit is off
     */
    public TwoPhaseCommitter(SessionFactory sessionFactory, ShardSessions sessions, ShardRouter router, ShardJdbc jdbc,
                             TwoPhaseFaults faults, long graceMillis, String unavailableReason) {
        this.sessionFactory = sessionFactory;
        this.sessions = sessions;
        this.router = router;
        this.jdbc = jdbc;
        this.faults = faults;
        this.graceMillis = graceMillis;
        this.unavailableReason = unavailableReason;
    }

    /** The test hook at {@code point} (the stored topology's two-phase changes report their boundaries here too). */
    public void fault(Point point, String txid, int participant) {
        faults.at(point, txid, participant);
    }

    public boolean available() {
        return unavailableReason == null;
    }

    /** The shards of {@code keys}, in configured order. */
    public Set<String> shardsOf(Collection<?> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("atomically(keys, work) needs at least one key");
        }
        Set<String> wanted = new java.util.HashSet<>();
        for (Object key : keys) {
            wanted.add(router.shardOfKey(key));
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (String shard : router.shardIds()) {
            if (wanted.contains(shard)) {
                ordered.add(shard);
            }
        }
        return ordered;
    }

    /** Runs {@code work} over the shards of {@code keys} as one atomic transaction. */
    public void atomically(Collection<?> keys, Consumer<CrossShardSessions> work) {
        run(shardsOf(keys), work, Collections.emptyMap());
    }

    /**
     * Runs {@code work} over {@code shards} as one atomic transaction; one shard needs no second phase.
     *
     * @param sessionProperties set on every session (e.g. the reference-write flag)
     */
    public void run(Set<String> shards, Consumer<CrossShardSessions> work, Map<String, Object> sessionProperties) {
        if (shards.size() == 1) {
            String shard = shards.iterator().next();
            sessions.fromOwnTransaction(shard, false, s -> {
                sessionProperties.forEach(s::setProperty);
                work.accept(new Sessions(Map.of(shard, s)));
                return null;
            });
            return;
        }
        if (!available()) {
            throw new ShardingException("Cannot run an atomic transaction across shards " + shards + ": " + unavailableReason);
        }
        String txid = UUID.randomUUID().toString().replace("-", "");
        String coordinator = coordinatorShard(txid);
        Map<String, Session> open = new LinkedHashMap<>();
        Map<String, Transaction> txs = new LinkedHashMap<>();
        List<String> prepared = new ArrayList<>();
        boolean decided = false;
        try {
            for (String shard : shards) {
                Session s = io.github.shardingorm.internal.hibernate.FenceStatementInspector.sessionOn(sessionFactory, shard).openSession();
                open.put(shard, s);
                sessionProperties.forEach(s::setProperty);
                txs.put(shard, s.beginTransaction());
            }
            work.accept(new Sessions(open));
            for (Session s : open.values()) {
                s.flush();
            }
            faults.at(Point.BEFORE_PREPARE, txid, -1);
            int index = 0;
            for (Map.Entry<String, Session> e : open.entrySet()) {
                String gid = gid(txid, coordinator, e.getKey());
                e.getValue().doWork(c -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("PREPARE TRANSACTION '" + gid + "'");
                    }
                });
                prepared.add(e.getKey());
                txs.get(e.getKey()).commit(); // the connection is idle now: nothing left to commit locally
                index++;
            }
            faults.at(Point.PREPARED, txid, index);
            events().twoPhase("prepared");
            String decision = decide(coordinator, txid, "commit", String.join(",", shards));
            decided = true;
            if (!"commit".equals(decision)) {
                events().twoPhase("rolled_back");
                rollbackPrepared(txid, coordinator, prepared);
                throw new ShardingException("Atomic transaction " + txid + " across shards " + shards
                        + " was rolled back: recovery aborted it while it was prepared (it took longer than the "
                        + graceMillis + " ms grace). Nothing was applied.");
            }
            faults.at(Point.DECIDED, txid, -1);
            boolean all = true;
            int committed = 0;
            for (String shard : prepared) {
                try {
                    long position = finish(shard, gid(txid, coordinator, shard), true, jdbc.hasReplicas(shard));
                    if (position > 0) {
                        ReadContext.recordWrite(shard, position); // read-your-writes: the caller's later reads see it
                    }
                    faults.at(Point.COMMITTED, txid, committed);
                    committed++;
                    if (committed == 1) {
                        faults.at(Point.ONE_COMMITTED, txid, 0);
                    }
                } catch (RuntimeException e) {
                    all = false;
                    LOG.warn("atomic transaction {} is committed but COMMIT PREPARED failed on shard '{}' (recovery finishes it): {}",
                            txid, shard, e.getMessage());
                }
            }
            events().twoPhase("committed");
            if (all) {
                forget(coordinator, txid);
            }
        } catch (RuntimeException e) {
            if (!decided) {
                events().twoPhase("rolled_back");
                for (Map.Entry<String, Transaction> t : txs.entrySet()) {
                    if (!prepared.contains(t.getKey()) && t.getValue().isActive()) {
                        try {
                            t.getValue().rollback();
                        } catch (RuntimeException r) {
                            e.addSuppressed(r);
                        }
                    }
                }
                try {
                    rollbackPrepared(txid, coordinator, prepared);
                } catch (RuntimeException r) {
                    e.addSuppressed(r);
                }
            }
            throw e;
        } finally {
            for (Session s : open.values()) {
                try {
                    s.close();
                } catch (RuntimeException ignored) {
                    // closing after a crash simulation or a broken connection
                }
            }
        }
    }

    private void rollbackPrepared(String txid, String coordinator, List<String> prepared) {
        for (String shard : prepared) {
            try {
                finish(shard, gid(txid, coordinator, shard), false);
            } catch (RuntimeException e) {
                LOG.warn("ROLLBACK PREPARED of {} failed on shard '{}' (recovery rolls it back): {}", txid, shard, e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ decision log

    public String coordinatorShard(String txid) {
        List<String> ids = router.shardIds();
        return ids.get((int) Long.remainderUnsigned(StableKeyHash.hashString(txid), ids.size()));
    }

    /** Inserts {@code wanted} unless a decision exists; returns the decision that holds. */
    public String decide(String coordinator, String txid, String wanted, String participants) {
        return jdbc.fromTransaction(coordinator, "logging the " + wanted + " decision of atomic transaction " + txid,
                c -> decide(c, txid, wanted, participants));
    }

    /**
     * As {@link #decide(String, String, String, String)}, on {@code c}, a connection to the coordinator
     * the caller holds (committed by the caller, or in auto-commit): the topology's two-phase publish
     * logs its decision on the home-shard connection it already holds, so that it needs no second
     * connection from that shard's pool.
     */
    public static String decide(java.sql.Connection c, String txid, String wanted, String participants) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO shorm_2pc_decision (txid, decision, participants)"
                + " VALUES (?, ?, ?) ON CONFLICT (txid) DO NOTHING")) {
            ps.setString(1, txid);
            ps.setString(2, wanted);
            ps.setString(3, participants);
            if (ps.executeUpdate() == 1) {
                return wanted;
            }
        }
        return decisionOf(c, txid);
    }

    static String decisionOf(java.sql.Connection c, String txid) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT decision FROM shorm_2pc_decision WHERE txid = ?")) {
            ps.setString(1, txid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public void forget(String coordinator, String txid) {
        try {
            jdbc.fromTransaction(coordinator, "forgetting atomic transaction " + txid, c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM shorm_2pc_decision WHERE txid = ? AND decision = 'commit'")) {
                    ps.setString(1, txid);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("could not delete the decision of {} (harmless): {}", txid, e.getMessage());
        }
    }

    /**
     * COMMIT / ROLLBACK PREPARED. A gid that no longer exists (SQLState 42704) was resolved by
     * someone else acting on the same logged decision, so it counts as done.
     */
    void finish(String shard, String gid, boolean commit) {
        finish(shard, gid, commit, false);
    }

    /**
     * Like {@link #finish(String, String, boolean)}; with {@code position}, then reads the
     * primary's WAL position on the same connection (one more round trip, for read-your-writes).
     *
     * @return that position, or 0 without {@code position}
     */
    long finish(String shard, String gid, boolean commit, boolean position) {
        return jdbc.autoCommit(shard, (commit ? "COMMIT" : "ROLLBACK") + " PREPARED '" + gid + "'", c -> {
            try (Statement st = c.createStatement()) {
                st.execute((commit ? "COMMIT" : "ROLLBACK") + " PREPARED '" + gid + "'");
            } catch (java.sql.SQLException e) {
                if (!"42704".equals(e.getSQLState())) {
                    throw e;
                }
                LOG.debug("{} was already resolved by another instance", gid);
            }
            if (!position) {
                return 0L;
            }
            try {
                return ShardJdbc.currentWalLsn(c);
            } catch (java.sql.SQLException e) { // committed all the same: not a failure of the transaction
                LOG.warn("{} committed on shard '{}', but its WAL position could not be read for read-your-writes: {}", gid, shard,
                        e.getMessage());
                return 0L;
            }
        });
    }

    static String gid(String txid, String coordinator, String participant) {
        return GID_PREFIX + txid + ":" + coordinator + ":" + participant;
    }

    // ------------------------------------------------------------------ recovery

    /**
     * Resolves the prepared transactions with our prefix on every shard: commit when the decision is
     * commit, roll back when it is abort, and when there is none and the transaction is older than
     * the grace period, log abort (losing to a concurrent commit decision if there is one) and act on
     * the decision that holds. Also deletes decisions nobody needs any more.
     *
     * @return the number of prepared transactions resolved
     */
    public synchronized int recover() {
        if (!available()) {
            return 0;
        }
        int resolved = 0;
        for (String shard : router.shardIds()) {
            List<String[]> inDoubt;
            try {
                inDoubt = jdbc.fromTransaction(shard, "listing prepared transactions", c -> {
                    List<String[]> found = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("SELECT gid, (now() - prepared) > ? * interval '1 millisecond'"
                            + " FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'shorm\\_%'")) {
                        ps.setLong(1, graceMillis);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                found.add(new String[] {rs.getString(1), String.valueOf(rs.getBoolean(2))});
                            }
                        }
                    }
                    return found;
                });
            } catch (RuntimeException e) {
                LOG.warn("two-phase recovery: cannot list prepared transactions on shard '{}': {}", shard, e.getMessage());
                continue;
            }
            for (String[] row : inDoubt) {
                try {
                    resolved += resolve(shard, row[0], Boolean.parseBoolean(row[1])) ? 1 : 0;
                } catch (RuntimeException e) {
                    LOG.warn("two-phase recovery: cannot resolve {} on shard '{}': {}", row[0], shard, e.getMessage());
                }
            }
        }
        collectGarbage();
        return resolved;
    }

    private boolean resolve(String shard, String gid, boolean old) {
        String[] parts = gid.substring(GID_PREFIX.length()).split(":");
        if (parts.length != 3 || !router.shardIds().contains(parts[1])) {
            LOG.warn("two-phase recovery: prepared transaction '{}' on shard '{}' names an unknown coordinator shard; resolve it by hand",
                    gid, shard);
            return false;
        }
        if (!old) {
            return false; // its coordinator may still be running: leave it the grace period
        }
        String txid = parts[0];
        String coordinator = parts[1];
        faults.at(Point.RECOVERY, txid, -1);
        String decision = jdbc.fromTransaction(coordinator, "reading the decision of " + txid, c -> decisionOf(c, txid));
        if (decision == null) {
            decision = decide(coordinator, txid, "abort", shard);
        }
        boolean commit = "commit".equals(decision);
        finish(shard, gid, commit);
        events().twoPhase(commit ? "in_doubt_committed" : "in_doubt_rolled_back");
        LOG.info("two-phase recovery: {} '{}' on shard '{}'", commit ? "committed" : "rolled back", gid, shard);
        return true;
    }

    /** Commit decisions whose participants hold no prepared transaction any more; abort decisions after a day. */
    private void collectGarbage() {
        for (String shard : router.shardIds()) {
            try {
                jdbc.fromTransaction(shard, "cleaning shorm_2pc_decision", c -> {
                    try (Statement st = c.createStatement()) {
                        st.executeUpdate("DELETE FROM shorm_2pc_decision WHERE decision = 'abort' AND decided_at < now() - interval '1 day'");
                    }
                    List<String[]> commits = new ArrayList<>();
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT txid, participants FROM shorm_2pc_decision"
                            + " WHERE decision = 'commit' AND decided_at < now() - interval '1 minute' LIMIT 100")) {
                        while (rs.next()) {
                            commits.add(new String[] {rs.getString(1), rs.getString(2)});
                        }
                    }
                    for (String[] commit : commits) {
                        if (noneLeft(commit[0], shard, commit[1].split(","))) {
                            try (PreparedStatement ps = c.prepareStatement("DELETE FROM shorm_2pc_decision WHERE txid = ?")) {
                                ps.setString(1, commit[0]);
                                ps.executeUpdate();
                            }
                        }
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.debug("two-phase recovery: cleaning decisions on shard '{}' failed: {}", shard, e.getMessage());
            }
        }
    }

    private boolean noneLeft(String txid, String coordinator, String[] participants) {
        for (String participant : participants) {
            if (!router.shardIds().contains(participant)) {
                return false;
            }
            String gid = gid(txid, coordinator, participant);
            boolean exists = jdbc.fromTransaction(participant, "checking " + gid, c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_prepared_xacts WHERE gid = ?")) {
                    ps.setString(1, gid);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            });
            if (exists) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ sessions handle

    private final class Sessions implements CrossShardSessions {

        private final Map<String, Session> byShard;

        Sessions(Map<String, Session> byShard) {
            this.byShard = byShard;
        }

        @Override
        public Session session(Object key) {
            return sessionOnShard(router.shardOfKey(key));
        }

        @Override
        public Session sessionOnShard(String shardId) {
            Session s = byShard.get(shardId);
            if (s == null) {
                throw new ShardRoutingException("Shard '" + shardId + "' is not part of this atomic transaction (shards: "
                        + byShard.keySet() + "); pass a key of that shard to atomically(keys, work)", null, null, shardId);
            }
            return s;
        }

        @Override
        public Set<String> shardIds() {
            return Collections.unmodifiableSet(byShard.keySet());
        }
    }


    private static final io.github.shardingorm.internal.stats.Instrumentation NO_EVENTS = io.github.shardingorm.internal.stats.Instrumentation.off();

    /** Where transitions are reported (none when the sessions are a test's mock). */
    private io.github.shardingorm.internal.stats.Instrumentation events() {
        io.github.shardingorm.internal.stats.Instrumentation i = sessions.instrumentation();
        return i != null ? i : NO_EVENTS;
    }
}
