package io.github.shardingorm.it.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.health.ConsistencyToken;
import io.github.shardingorm.health.HealthState;
import io.github.shardingorm.health.NodeHealth;
import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.health.ShardHealth;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Read replicas (issue 14), on one private primary with two streaming replicas
 * ({@code pg_basebackup -R}); shards s0 and s1 are two databases of it, so each shard has two
 * replicas. Which server served a read is what that server answers ({@code inet_server_port()}),
 * on the connection the read used. Lag is injected with {@code recovery_min_apply_delay}.
 * The primary is killed by the last test.
 */
@PostgresServers(count = 1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaRoutingIT {

    private static final String PASSWORD = "pw-never-printed";
    private static final List<String> SHARDS = List.of("s0", "s1");

    private static PostgresServer primary;
    private static PostgresServer replicaA;
    private static PostgresServer replicaB;
    private static ShardedPersistence orm;
    private static long[] keys;

    @BeforeAll
    static void startReplicas(PostgresServerGroup servers) throws Exception {
        primary = servers.get(0);
        primary.createDatabase("app_r0");
        primary.createDatabase("app_r1");
        try (ShardedPersistence schema = builder(Duration.ofSeconds(1)).schema(SchemaAction.CREATE).build()) {
            keys = new long[] {ShardHealthIT.keysOn(schema, "s0", 1)[0], ShardHealthIT.keysOn(schema, "s1", 1)[0]};
            schema.repository(User.class).save(new User(keys[0], "zero"));
            schema.repository(User.class).save(new User(keys[1], "one"));
        }
        replicaA = primary.createReplica();
        replicaB = primary.createReplica();
        orm = withReplicas(builder(Duration.ofSeconds(1))).build();
        awaitReplicas(orm, 0);
    }

    @AfterAll
    static void close() {
        if (orm != null) {
            orm.close();
        }
    }

    private static ShardedPersistenceBuilder builder(Duration maxLag) {
        return ShardedPersistence.builder()
                .shard("s0", primary.jdbcUrl("app_r0"), primary.username(), PASSWORD)
                .shard("s1", primary.jdbcUrl("app_r1"), primary.username(), PASSWORD)
                .entities(User.class).maximumPoolSize(6).connectionTimeout(Duration.ofMillis(1000))
                .healthProbe(Duration.ofMillis(100), Duration.ofSeconds(1)).maxReplicaLag(maxLag);
    }

    private static ShardedPersistenceBuilder withReplicas(ShardedPersistenceBuilder b) {
        return b.replica("s0", replicaA.jdbcUrl("app_r0"), primary.username(), PASSWORD)
                .replica("s0", replicaB.jdbcUrl("app_r0"), primary.username(), PASSWORD)
                .replica("s1", replicaA.jdbcUrl("app_r1"), primary.username(), PASSWORD)
                .replica("s1", replicaB.jdbcUrl("app_r1"), primary.username(), PASSWORD);
    }

    // ------------------------------------------------------------------ start-up checks

    @Test
    @Order(1)
    void aPrimaryOrAnotherShardsReplicaIsRefusedAtStartUp_anUnreachableReplicaIsDown() throws Exception {
        ShardingConfigurationException notAReplica = assertThrows(ShardingConfigurationException.class, () -> builder(Duration.ofSeconds(1))
                .replica("s0", primary.jdbcUrl("postgres"), primary.username(), PASSWORD).build());
        assertTrue(notAReplica.getMessage().contains("is not a replica: pg_is_in_recovery() is false"), notAReplica.getMessage());
        assertTrue(notAReplica.getMessage().contains("shard 's0'"), notAReplica.getMessage());

        ShardingConfigurationException otherShard = assertThrows(ShardingConfigurationException.class, () -> builder(Duration.ofSeconds(1))
                .replica("s0", replicaA.jdbcUrl("app_r1"), primary.username(), PASSWORD).build());
        assertTrue(otherShard.getMessage().contains("is database 'app_r1' but its shard's primary is database 'app_r0'"),
                otherShard.getMessage());
        assertTrue(!otherShard.getMessage().contains(PASSWORD), otherShard.getMessage());

        try (ShardedPersistence unreachable = builder(Duration.ofSeconds(1))
                .replica("s0", "jdbc:postgresql://127.0.0.1:1/app_r0", primary.username(), PASSWORD).build()) {
            NodeHealth replica = health(unreachable, "s0").replicas().get(0);
            assertEquals(HealthState.DOWN, replica.state());
            assertEquals(NodeHealth.INFINITE, replica.lag());
            assertEquals(primary.port(), unreachable.fromReadOnlyTransaction(keys[0], ReplicaRoutingIT::port),
                    "with its only replica down, a read falls back to the primary");
        }
    }

    // ------------------------------------------------------------------ routing and lag

    @Test
    @Order(2)
    void withTwoReplicasAndNoLag_readOnlyCallsAreServedByReplicas_inTurn() {
        Map<Integer, Integer> served = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            served.merge(orm.fromReadOnlyTransaction(keys[i % 2], ReplicaRoutingIT::port), 1, Integer::sum);
        }
        int a = served.getOrDefault(replicaA.port(), 0);
        int b = served.getOrDefault(replicaB.port(), 0);
        System.out.printf("replica share: %d of 1000 reads by replica A, %d by B, %d by the primary%n", a, b,
                served.getOrDefault(primary.port(), 0));
        assertTrue(a + b >= 900, "at least 90% of reads on replicas: " + served);
        assertTrue(a >= 300 && b >= 300, "both replicas take turns: " + served);
        assertEquals("zero", orm.repository(User.class).findById(keys[0]).orElseThrow().getName());
        assertEquals(primary.port(), orm.fromReadOnlyTransaction(keys[0], ReadFrom.PRIMARY, null, ReplicaRoutingIT::port),
                "read-from PRIMARY per call");
        for (int i = 0; i < 20; i++) {
            assertEquals(primary.port(), orm.fromTransaction(keys[i % 2], ReplicaRoutingIT::port), "read-write work never goes to a replica");
        }
        // queries and fan-outs: each shard's rows come from where that shard's read went
        String byServer = "select u.id, function('inet_server_port') from User u order by u.id";
        for (Object[] row : orm.query(byServer, Object[].class).list()) {
            assertTrue(((Number) row[1]).intValue() != primary.port(), "a fan-out reads replicas by default: " + java.util.Arrays.toString(row));
        }
        for (Object[] row : orm.query(byServer, Object[].class).readFrom(ReadFrom.PRIMARY).list()) {
            assertEquals(primary.port(), ((Number) row[1]).intValue(), "a fan-out with read-from PRIMARY");
        }
        assertEquals(2, orm.query(byServer, Object[].class).list().size(), "one row per shard");
    }

    @Test
    @Order(3)
    void aReplicaLaggingBeyondTheLimitGetsNoReads_untilItCatchesUp() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = startWriter(writing);
        replicaB.setSetting("recovery_min_apply_delay", "3s");
        try {
            awaitLag(orm, replicaB, 1_500);
            Map<Integer, Integer> served = new HashMap<>();
            for (int i = 0; i < 500; i++) {
                served.merge(orm.fromReadOnlyTransaction(keys[i % 2], ReplicaRoutingIT::port), 1, Integer::sum);
            }
            System.out.printf("with replica B lagging: %s (A %d, B %d, primary %d)%n", served, replicaA.port(), replicaB.port(), primary.port());
            assertEquals(0, served.getOrDefault(replicaB.port(), 0), "no read from the lagging replica: " + served);
            assertTrue(served.getOrDefault(replicaA.port(), 0) >= 250, "the other replica serves: " + served);
            // a per-call lag limit above its lag lets the lagging replica serve again (this thread wrote nothing it lacks)
            Map<Integer, Integer> relaxed = new HashMap<>();
            for (int i = 0; i < 20; i++) {
                relaxed.merge(orm.fromReadOnlyTransaction(keys[i % 2], ReadFrom.REPLICA_ONLY, Duration.ofMinutes(1),
                        ReplicaRoutingIT::port), 1, Integer::sum);
            }
            assertTrue(relaxed.getOrDefault(replicaB.port(), 0) > 0, "per-call lag limit: " + relaxed);
            assertEquals(0, relaxed.getOrDefault(primary.port(), 0), "REPLICA_ONLY never reads the primary: " + relaxed);
        } finally {
            replicaB.setSetting("recovery_min_apply_delay", "0");
            writing.set(false);
            writer.join();
        }
        awaitReplicas(orm, 0);
    }

    @Test
    @Order(4)
    void withNoReplicaQualifying_readsFallBackToThePrimaryWithinTheCap_beyondItFailFastOrReadStaleByPolicy() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = startWriter(writing);
        replicaA.setSetting("recovery_min_apply_delay", "2s");
        replicaB.setSetting("recovery_min_apply_delay", "2s");
        try (ShardedPersistence failFast = withReplicas(builder(Duration.ofMillis(500)))
                     .primaryFallback(1, io.github.shardingorm.health.ReadFallback.FAIL).build();
             ShardedPersistence stale = withReplicas(builder(Duration.ofMillis(500)))
                     .primaryFallback(1, io.github.shardingorm.health.ReadFallback.STALE).maxStaleness(Duration.ofSeconds(30)).build()) {
            awaitLag(failFast, replicaA, 1_000);
            awaitLag(failFast, replicaB, 1_000);
            awaitLag(stale, replicaA, 1_000);
            awaitLag(stale, replicaB, 1_000);
            for (ShardedPersistence unit : List.of(failFast, stale)) {
                // one fallback read at a time: it holds the only permit while it runs
                java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
                ExecutorService one = Executors.newSingleThreadExecutor();
                Future<Integer> held = one.submit(() -> unit.fromReadOnlyTransaction(keys[0], s -> {
                    int port = port(s);
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return port;
                }));
                try {
                    assertTrue(holding.await(10, java.util.concurrent.TimeUnit.SECONDS));
                    if (unit == failFast) {
                        ShardUnavailableException e = assertThrows(ShardUnavailableException.class,
                                () -> unit.fromReadOnlyTransaction(keys[0], ReplicaRoutingIT::port));
                        assertEquals(ShardUnavailableException.Reason.REPLICAS_UNAVAILABLE, e.reason(), e.getMessage());
                        assertTrue(e.getMessage().contains("'s0'") && e.getMessage().contains("permits"), e.getMessage());
                    } else {
                        int port = unit.fromReadOnlyTransaction(keys[0], ReplicaRoutingIT::port);
                        assertTrue(port == replicaA.port() || port == replicaB.port(), "a stale read from a replica: " + port);
                    }
                    // the other shard has its own permit
                    assertEquals(primary.port(), unit.fromReadOnlyTransaction(keys[1], ReplicaRoutingIT::port));
                } finally {
                    release.countDown();
                    assertEquals(primary.port(), held.get(), "the fallback read was served by the primary");
                    one.shutdown();
                }
                assertEquals(primary.port(), unit.fromReadOnlyTransaction(keys[0], ReplicaRoutingIT::port), "the permit is back");
            }
        } finally {
            replicaA.setSetting("recovery_min_apply_delay", "0");
            replicaB.setSetting("recovery_min_apply_delay", "0");
            writing.set(false);
            writer.join();
        }
        awaitReplicas(orm, 0);
    }

    // ------------------------------------------------------------------ read-your-writes

    @Test
    @Order(5)
    void readYourWrites_100000WriteReadPairsUnderLag_noStaleRead_alsoAcrossInstancesByToken() throws Exception {
        replicaB.setSetting("recovery_min_apply_delay", "1500ms");
        int threads = 4;
        int batch = 100;
        int iterations = 250;
        ExecutorService writers = Executors.newFixedThreadPool(threads);
        ExecutorService otherInstanceReaders = Executors.newFixedThreadPool(threads);
        // a lag limit above the injected lag: only the token keeps reads off the lagging replica
        try (ShardedPersistence other = withReplicas(builder(Duration.ofSeconds(5))).build();
             ShardedPersistence writer = withReplicas(builder(Duration.ofSeconds(5))).build()) {
            AtomicLong pairs = new AtomicLong();
            AtomicLong stale = new AtomicLong();
            AtomicLong byReplica = new AtomicLong();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                final String shard = SHARDS.get(t % 2);
                List<Long> ids = idsOn(writer, shard, thread, batch);
                writer.repository(User.class).saveAll(ids.stream().map(id -> new User(id, "new")).toList());
                done.add(writers.submit(() -> {
                    for (int i = 0; i < iterations; i++) {
                        String tag = "t" + thread + "-" + i;
                        writer.inTransaction(ids.get(0), s -> s.createNativeMutationQuery(
                                        "update users set name = :tag || '-' || id where id in (:ids)")
                                .setParameter("tag", tag).setParameterList("ids", ids).executeUpdate());
                        Function<Session, Result> read = s -> new Result(port(s), s.createSelectionQuery(
                                "select u.id, u.name from User u where u.id in :ids", Object[].class)
                                .setParameterList("ids", ids).getResultList());
                        Result result;
                        if (i % 2 == 0) {
                            result = writer.fromReadOnlyTransaction(ids.get(0), read);
                        } else {
                            // another instance, on a thread that has seen nothing: only the token's string crosses over
                            String token = writer.consistencyToken().toString();
                            result = otherInstanceReaders.submit(() -> {
                                other.resetConsistency();
                                return other.withConsistency(ConsistencyToken.parse(token),
                                        () -> other.fromReadOnlyTransaction(ids.get(0), read));
                            }).get();
                        }
                        pairs.addAndGet(ids.size());
                        if (result.port() != primary.port()) {
                            byReplica.incrementAndGet();
                        }
                        Map<Long, String> names = new HashMap<>();
                        result.rows().forEach(r -> names.put((Long) r[0], (String) r[1]));
                        for (Long id : ids) {
                            if (!(tag + "-" + id).equals(names.get(id))) {
                                stale.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            System.out.printf("read-your-writes: %d pairs, %d stale, %d of %d reads by replicas%n", pairs.get(), stale.get(),
                    byReplica.get(), threads * iterations);
            assertTrue(pairs.get() >= 100_000, "pairs: " + pairs.get());
            assertEquals(0, stale.get(), "stale reads");
            assertTrue(byReplica.get() > 0, "some reads were served by replicas");
        } finally {
            writers.shutdownNow();
            otherInstanceReaders.shutdownNow();
            replicaB.setSetting("recovery_min_apply_delay", "0");
        }
        awaitReplicas(orm, 0);
    }

    private record Result(int port, List<Object[]> rows) {
    }

    // ------------------------------------------------------------------ failover (kills the primary: last)

    @Test
    @Order(6)
    void withThePrimaryKilled_readsKeepSucceedingFromReplicas_writesFailFastNamingTheShard() throws Exception {
        awaitReplicas(orm, 0);
        primary.kill();
        for (String shard : SHARDS) {
            ShardHealthIT.awaitState(orm, shard, HealthState.DOWN, Duration.ofSeconds(10));
        }
        for (int i = 0; i < 200; i++) {
            int port = orm.fromReadOnlyTransaction(keys[i % 2], ReplicaRoutingIT::port);
            assertTrue(port == replicaA.port() || port == replicaB.port(), "served by " + port);
        }
        assertEquals("one", orm.repository(User.class).findById(keys[1]).orElseThrow().getName());
        for (int i = 0; i < 2; i++) {
            long key = keys[i];
            long start = System.nanoTime();
            ShardUnavailableException e = assertThrows(ShardUnavailableException.class,
                    () -> orm.inTransaction(key, s -> s.find(User.class, key).setName("x")));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(SHARDS.get(i), e.getShardId());
            assertTrue(e.getMessage().contains("'" + SHARDS.get(i) + "'"), e.getMessage());
            assertTrue(millis < 500, "refused by the open breaker, not after the connection timeout: " + millis + " ms");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int port(Session session) {
        return session.doReturningWork(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select inet_server_port()")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static List<Long> idsOn(ShardedPersistence orm, String shard, int thread, int count) {
        List<Long> ids = new ArrayList<>();
        for (long id = 1_000_000L * (thread + 1); ids.size() < count; id++) {
            if (orm.shardOf(id).equals(shard)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Keeps the primary's WAL moving (a write every 20 ms on each shard) so that a delayed replica falls behind. */
    private static Thread startWriter(AtomicBoolean writing) {
        Thread t = new Thread(() -> {
            while (writing.get()) {
                for (int i = 0; i < 2; i++) {
                    long key = keys[i];
                    orm.inTransaction(key, s -> s.createMutationQuery("update User set name = name where id = :id")
                            .setParameter("id", key).executeUpdate());
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lag-writer");
        t.start();
        return t;
    }

    static ShardHealth health(ShardedPersistence orm, String shard) {
        return ShardHealthIT.health(orm, shard);
    }

    private static void awaitReplicas(ShardedPersistence orm, long maxLagMillis) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!orm.health().stream().allMatch(h -> h.replicas().stream()
                .allMatch(r -> r.state() == HealthState.UP && r.lag().compareTo(Duration.ofMillis(maxLagMillis)) <= 0))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replicas not UP within lag " + maxLagMillis + " ms: " + orm.health());
            }
            Thread.sleep(20);
        }
    }

    private static void awaitLag(ShardedPersistence orm, PostgresServer replica, long atLeastMillis) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String port = ":" + replica.port() + "/";
        while (!orm.health().stream().allMatch(h -> h.replicas().stream().filter(r -> r.url().contains(port))
                .allMatch(r -> r.lag().compareTo(Duration.ofMillis(atLeastMillis)) >= 0 && r.lag() != NodeHealth.INFINITE))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replica " + replica.id() + " not " + atLeastMillis + " ms behind: " + orm.health());
            }
            Thread.sleep(20);
        }
    }
}
