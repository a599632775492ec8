package io.github.shardingorm.it.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.health.HealthState;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.it.health.Signals;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The topology follower reads on its own connections, never the application's pools: with the
 * HOME shard hung (SIGSTOP of its postmaster and backends) for longer than the staleness bound and
 * each pool exactly as large as its shard's load threads, no call fails with POOL_EXHAUSTED, the
 * other shard serves every call (the follower still reads the topology there, so this instance
 * does not go stale), and a version stored on the other shard during the hang is adopted.
 */
@PostgresServers(count = 2)
class FollowerHungShardIT {

    private static final int THREADS_PER_SHARD = 4;

    @Test
    void aHungHomeShardNeitherStarvesThePoolsNorStopsFollowingTheOtherShard(PostgresServerGroup servers) throws Exception {
        PostgresServer s0 = servers.get(0);
        PostgresServer s1 = servers.get(1);
        s0.createDatabase("fh");
        s1.createDatabase("fh");
        try (ShardedPersistence orm = ShardedPersistence.builder()
                .shard("s0", s0.jdbcUrl("fh"), s0.username(), "")
                .shard("s1", s1.jdbcUrl("fh"), s1.username(), "")
                .entities(User.class).schema(SchemaAction.CREATE)
                .maximumPoolSize(THREADS_PER_SHARD) // exactly the load threads per shard: nothing to spare for the library
                .connectionTimeout(Duration.ofMillis(1_000)).socketTimeout(Duration.ofMillis(2_000))
                .statementTimeout(Duration.ofMillis(1_500)).healthProbe(Duration.ofMillis(100), Duration.ofSeconds(1))
                .topologyStaleAfter(Duration.ofSeconds(2))
                .build()) {
            TopologyService topology = ((ShardedPersistenceImpl) orm).topologyService();
            ShardedRepository<User, Long> users = orm.repository(User.class);
            long[][] keys = {keysOn(orm, "s0"), keysOn(orm, "s1")};
            for (long[] onShard : keys) {
                for (long key : onShard) {
                    users.save(new User(key, "before"));
                }
            }
            record Call(int shard, long startNanos, Throwable failure) {
            }
            ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService load = Executors.newFixedThreadPool(2 * THREADS_PER_SHARD);
            for (int t = 0; t < 2 * THREADS_PER_SHARD; t++) {
                final int shard = t % 2;
                final long key = keys[shard][t / 2];
                load.execute(() -> {
                    int n = 0;
                    while (running.get()) {
                        long start = System.nanoTime();
                        Throwable failure = null;
                        try {
                            if (n++ % 2 == 0) {
                                users.findById(key).orElseThrow();
                            } else {
                                orm.inTransaction(key, s -> s.createMutationQuery("update User set name = :n where id = :id")
                                        .setParameter("n", "n" + System.nanoTime()).setParameter("id", key).executeUpdate());
                            }
                        } catch (RuntimeException | Error e) {
                            failure = e;
                            sleep(1);
                        }
                        calls.add(new Call(shard, start, failure));
                    }
                });
            }
            Thread.sleep(1_000);
            try (Connection c = DriverManager.getConnection(s1.jdbcUrl("fh"), s1.username(), ""); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from pg_stat_activity where application_name = 'sharding-orm topology follower'")) {
                rs.next();
                assertTrue(rs.getLong(1) >= 1, "the follower reads shard s1 on its own connection");
            }
            long before = topology.current().version();
            List<Long> pids = Signals.serverPids(s0);
            long stoppedAt = System.nanoTime();
            long followedAt;
            Signals.stop(pids);
            try {
                Thread.sleep(2_500); // longer than the staleness bound: a follower stuck on s0 would have stopped writes by now
                try (Connection c = DriverManager.getConnection(s1.jdbcUrl("fh"), s1.username(), ""); Statement st = c.createStatement()) {
                    assertEquals(1, st.executeUpdate("update sharding_orm.topology set version = version + 1 where id = 1"));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (topology.current().version() == before && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                followedAt = System.nanoTime();
                assertEquals(before + 1, topology.current().version(), "the version stored on s1 during the hang of s0 is adopted");
                Thread.sleep(1_000);
            } finally {
                Signals.resume(pids);
            }
            long resumedAt = System.nanoTime();
            awaitUp(orm, "s0");
            Thread.sleep(500);
            running.set(false);
            load.shutdown();
            assertTrue(load.awaitTermination(30, TimeUnit.SECONDS));

            List<Call> onS0 = calls.stream().filter(c -> c.shard() == 0).toList();
            List<Call> onS1 = calls.stream().filter(c -> c.shard() == 1).toList();
            List<String> exhausted = calls.stream().filter(c -> c.failure() != null)
                    .filter(c -> c.failure() instanceof ShardUnavailableException e && e.reason() == ShardUnavailableException.Reason.POOL_EXHAUSTED)
                    .map(c -> c.failure().getMessage()).limit(3).toList();
            assertEquals(List.of(), exhausted, "no call waits for a pool connection the library holds");
            assertEquals(List.of(), onS1.stream().filter(c -> c.failure() != null).map(c -> c.failure().toString()).limit(5).toList(),
                    "the other shard serves every call, also after the staleness bound passed with s0 hung");
            assertTrue(onS1.stream().filter(c -> c.startNanos() > stoppedAt + 2_500_000_000L && c.startNanos() < resumedAt).count() > 10,
                    "s1 was written while s0 hung longer than the staleness bound");
            assertFalse(onS0.stream().noneMatch(c -> c.failure() != null), "calls on the hung shard fail");
            assertTrue(onS0.stream().anyMatch(c -> c.failure() == null && c.startNanos() > resumedAt), "s0 serves again after SIGCONT");
            System.out.printf("hung home shard: %d calls on s1 all ok, %d on s0 (%d failed), none POOL_EXHAUSTED; version on s1 followed %d ms"
                            + " after it was stored%n", onS1.size(), onS0.size(), onS0.stream().filter(c -> c.failure() != null).count(),
                    (followedAt - stoppedAt) / 1_000_000 - 2_500);
        }
    }

    private static long[] keysOn(ShardedPersistence orm, String shard) {
        long[] keys = new long[THREADS_PER_SHARD];
        int found = 0;
        for (long key = 1; found < keys.length; key++) {
            if (orm.shardOf(key).equals(shard)) {
                keys[found++] = key;
            }
        }
        return keys;
    }

    private static void awaitUp(ShardedPersistence orm, String shard) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (orm.health().stream().noneMatch(h -> h.shardId().equals(shard) && h.state() == HealthState.UP)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("shard " + shard + " not UP within 10 s after SIGCONT: " + orm.health());
            }
            Thread.sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
