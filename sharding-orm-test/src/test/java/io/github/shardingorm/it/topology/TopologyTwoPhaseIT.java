package io.github.shardingorm.it.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.internal.writes.FaultInjector;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.Topology;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * With {@code max_prepared_transactions} > 0 on every shard, a topology change is published by
 * two-phase commit (decision logged in the home shard's {@code shorm_2pc_decision}, resolved by the
 * library's two-phase recovery): visible on every shard or on none. A publisher that dies between
 * prepare and decision leaves prepared transactions that recovery rolls back; one that dies
 * between decision and commit leaves them to recovery, which commits them (also the recovery at
 * the next start-up, and of a running instance whose follower sees the prepared transactions). Afterwards every shard stores the same version and {@code pg_prepared_xacts}
 * is empty; while the change is prepared, writers of the user's tables are not blocked.
 */
@PostgresServers(count = 1, settings = {"max_prepared_transactions=10"})
class TopologyTwoPhaseIT {

    private static final String[] SHARDS = {"s0", "s1", "s2"};

    /** Throws at one two-phase boundary of the next topology change: an Error is a crash (nothing cleaned up). */
    private static final class Crash implements FaultInjector {
        final AtomicReference<Point> armed = new AtomicReference<>();
        volatile boolean asError = true;

        @Override
        public void at(Point point, String type, Object id, int step) {
            if (String.valueOf(id).startsWith("topo") && armed.compareAndSet(point, null)) {
                if (asError) {
                    throw new Error("simulated crash at " + point);
                }
                throw new IllegalStateException("simulated failure at " + point);
            }
        }
    }

    private static ShardedPersistence start(PostgresServer server, String prefix, SchemaAction action, FaultInjector faults,
                                            Duration recoveryInterval) {
        var b = ShardedPersistence.builder();
        for (String shard : SHARDS) {
            b.shard(shard, server.jdbcUrl(prefix + shard), server.username(), "");
        }
        return b.entities(User.class, Post.class).schema(action).bucketCount(64).maximumPoolSize(3)
                .twoPhaseGrace(Duration.ofMillis(500)).recoveryInterval(recoveryInterval)
                .hibernateProperty(FaultInjector.PROPERTY, faults).build();
    }

    private static void createDatabases(PostgresServer server, String prefix) {
        for (String shard : SHARDS) {
            server.createDatabase(prefix + shard);
        }
    }

    private static List<Long> versions(PostgresServer server, String prefix) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String shard : SHARDS) {
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(prefix + shard), server.username(), "");
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select version from sharding_orm.topology")) {
                rs.next();
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static long prepared(PostgresServer server, String prefix) throws Exception {
        long n = 0;
        for (String shard : SHARDS) {
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(prefix + shard), server.username(), "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from pg_prepared_xacts where database = current_database()")) {
                rs.next();
                n += rs.getLong(1);
            }
        }
        return n;
    }

    private static void awaitNoPrepared(PostgresServer server, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (prepared(server, prefix) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("prepared transactions left after 20 s: " + prepared(server, prefix));
            }
            Thread.sleep(50);
        }
    }

    private static long keyOn(ShardedPersistence orm, String shard) {
        long key = 1;
        while (!orm.shardOf(key).equals(shard)) {
            key++;
        }
        return key;
    }

    private static int bucketOf(long key) {
        return FencePerBucketIT.bucketOf(key, 64);
    }

    @Test
    void aChangeIsCommittedOnEveryShard_andAFailureBeforeTheDecisionLeavesItOnNone(PostgresServerGroup servers) throws Exception {
        PostgresServer server = servers.get(0);
        createDatabases(server, "ok_");
        Crash faults = new Crash();
        faults.asError = false;
        try (ShardedPersistence orm = start(server, "ok_", SchemaAction.CREATE, faults, Duration.ofMillis(200))) {
            TopologyService mover = ((ShardedPersistenceImpl) orm).topologyService();
            assertTrue(mover.atomicPublish(), "every shard allows prepared transactions: changes go by two-phase commit");
            long key = keyOn(orm, "s0");
            int bucket = bucketOf(key);
            Topology moving = mover.beginMove(Set.of(bucket), "s0", "s1");
            assertEquals(List.of(moving.version(), moving.version(), moving.version()), versions(server, "ok_"));
            assertEquals(0, prepared(server, "ok_"));

            faults.armed.set(FaultInjector.Point.TWO_PHASE_PREPARED); // a failure (not a crash) after every shard prepared
            assertThrows(IllegalStateException.class, () -> mover.fence(Set.of(bucket)));
            assertEquals(List.of(moving.version(), moving.version(), moving.version()), versions(server, "ok_"),
                    "a change that failed before its decision is on no shard");
            assertEquals(0, prepared(server, "ok_"), "the publisher rolled back what it prepared");
            assertEquals(BucketState.Phase.MOVING, mover.current().stateOf(bucket).phase());

            Topology aborted = mover.abortMove(Set.of(bucket));
            assertEquals(List.of(aborted.version(), aborted.version(), aborted.version()), versions(server, "ok_"));
            assertEquals(0, prepared(server, "ok_"));
            try (Connection c = DriverManager.getConnection(server.jdbcUrl("ok_s0"), server.username(), "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from pg_trigger where tgname = 'shorm_fence'")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "the fence trigger is dropped after the commit, when nothing moves on s0");
            }
        }
    }

    @Test
    void aCrashBetweenPrepareAndDecisionIsRolledBackByRecovery_andWritersAreNotBlockedMeanwhile(PostgresServerGroup servers)
            throws Exception {
        PostgresServer server = servers.get(0);
        createDatabases(server, "pd_");
        Crash faults = new Crash();
        try (ShardedPersistence orm = start(server, "pd_", SchemaAction.CREATE, faults, Duration.ofMillis(200))) {
            TopologyService mover = ((ShardedPersistenceImpl) orm).topologyService();
            long key = keyOn(orm, "s0");
            int bucket = bucketOf(key);
            long before = mover.current().version();
            faults.armed.set(FaultInjector.Point.TWO_PHASE_PREPARED);
            Error crash = assertThrows(Error.class, () -> mover.beginMove(Set.of(bucket), "s0", "s1"));
            assertTrue(crash.getMessage().contains("simulated crash"), crash.getMessage());
            // the prepared change holds row locks on sharding_orm's rows only: a writer of the user's tables goes on
            orm.repository(User.class).save(new User(key, "written while the change is prepared"));
            awaitNoPrepared(server, "pd_");
            assertEquals(List.of(before, before, before), versions(server, "pd_"), "no decision: rolled back on every shard");
            Topology moving = mover.beginMove(Set.of(bucket), "s0", "s1"); // nothing left locked
            assertEquals(before + 1, moving.version());
            mover.abortMove(Set.of(bucket));
            assertEquals(0, prepared(server, "pd_"));
        }
    }

    @Test
    void aCrashBetweenDecisionAndCommitIsCommittedByRecovery_atStartUpToo(PostgresServerGroup servers) throws Exception {
        PostgresServer server = servers.get(0);
        createDatabases(server, "dc_");
        Crash faults = new Crash();
        long before;
        int bucket;
        // no periodic recovery: only the next start-up's pass can resolve it
        try (ShardedPersistence orm = start(server, "dc_", SchemaAction.CREATE, faults, Duration.ZERO)) {
            TopologyService mover = ((ShardedPersistenceImpl) orm).topologyService();
            bucket = bucketOf(keyOn(orm, "s0"));
            before = mover.current().version();
            faults.armed.set(FaultInjector.Point.TWO_PHASE_DECIDED);
            assertThrows(Error.class, () -> mover.beginMove(Set.of(bucket), "s0", "s1"));
            assertEquals(3, prepared(server, "dc_"), "decided, not committed: prepared on every shard");
            assertEquals(List.of(before, before, before), versions(server, "dc_"));
        }
        Thread.sleep(600); // older than the grace period
        try (ShardedPersistence orm = start(server, "dc_", SchemaAction.UPDATE, FaultInjector.NONE, Duration.ZERO)) {
            awaitNoPrepared(server, "dc_");
            assertEquals(List.of(before + 1, before + 1, before + 1), versions(server, "dc_"),
                    "the logged decision is commit: committed on every shard by the start-up recovery");
            TopologyService mover = ((ShardedPersistenceImpl) orm).topologyService();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (mover.current().version() < before + 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(BucketState.Phase.MOVING, mover.current().stateOf(bucket).phase(), "the instance follows the committed change");
            mover.abortMove(Set.of(bucket));
            assertEquals(0, prepared(server, "dc_"));
            assertFalse(versions(server, "dc_").stream().distinct().count() > 1);
        }
    }

    @Test
    void aCrashBetweenDecisionAndCommitIsCommittedWhileRunning_theFollowerAsksRecoveryForAPass(PostgresServerGroup servers)
            throws Exception {
        PostgresServer server = servers.get(0);
        createDatabases(server, "rl_");
        Crash faults = new Crash();
        // periodic recovery off: the start-up pass has run, so only the follower's request for a pass can resolve it
        try (ShardedPersistence orm = start(server, "rl_", SchemaAction.CREATE, faults, Duration.ZERO)) {
            TopologyService mover = ((ShardedPersistenceImpl) orm).topologyService();
            int bucket = bucketOf(keyOn(orm, "s0"));
            long before = mover.current().version();
            faults.armed.set(FaultInjector.Point.TWO_PHASE_DECIDED);
            assertThrows(Error.class, () -> mover.beginMove(Set.of(bucket), "s0", "s1"));
            awaitNoPrepared(server, "rl_");
            assertEquals(List.of(before + 1, before + 1, before + 1), versions(server, "rl_"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (mover.current().version() < before + 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before + 1, mover.current().version(), "the follower adopts the version recovery committed");
            Topology fenced = mover.fence(Set.of(bucket));
            assertEquals(List.of(fenced.version(), fenced.version(), fenced.version()), versions(server, "rl_"));
            mover.abortMove(Set.of(bucket));
            assertEquals(0, prepared(server, "rl_"));
        }
    }
}
