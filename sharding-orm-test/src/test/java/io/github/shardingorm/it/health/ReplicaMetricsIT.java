package io.github.shardingorm.it.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.health.HealthState;
import io.github.shardingorm.health.NodeHealth;
import io.github.shardingorm.health.ReadFrom;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.metrics.ShardingMetrics;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replica pools on the meters (issue 14): each replica's HikariCP pool reports HikariCP's own
 * meters (tag {@code pool} = {@code sharding-orm-<shard>-replica<n>}) like the primaries' pools,
 * and the library's operation timers say {@code role=replica} for reads a replica served. One
 * private primary (shards s0, s1 are two of its databases) with one streaming replica.
 */
@PostgresServers(count = 1)
class ReplicaMetricsIT {

    private static final String PASSWORD = "pw-never-printed";
    private static final int READS = 100;

    @Test
    void replicaPoolsReportHikariMeters_andReadsTheyServeCountAsRoleReplica(PostgresServerGroup servers) throws Exception {
        PostgresServer primary = servers.get(0);
        primary.createDatabase("rm_0");
        primary.createDatabase("rm_1");
        long[] keys;
        try (ShardedPersistence schema = builder(primary, null).schema(SchemaAction.CREATE).build()) {
            keys = new long[] {ShardHealthIT.keysOn(schema, "s0", 1)[0], ShardHealthIT.keysOn(schema, "s1", 1)[0]};
            schema.repository(User.class).save(new User(keys[0], "zero"));
            schema.repository(User.class).save(new User(keys[1], "one"));
        }
        PostgresServer replica = primary.createReplica();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShardedPersistence orm = builder(primary, replica).schema(SchemaAction.UPDATE).build()) {
            new ShardingMetrics(orm).bindTo(registry);
            awaitReplicaUp(orm);
            orm.resetConsistency(); // a token of an earlier class's servers (same shard ids) would send reads to the primary
            List<String> shards = List.of("s0", "s1");
            for (String shard : shards) {
                for (String pool : List.of("sharding-orm-" + shard, "sharding-orm-" + shard + "-replica1")) {
                    assertNotNull(registry.find("hikaricp.connections").tag("pool", pool).gauge(), "HikariCP's meters of pool " + pool
                            + "; meters: " + registry.getMeters().stream().map(m -> m.getId().toString()).toList());
                    assertNotNull(registry.find("hikaricp.connections.max").tag("pool", pool).gauge(), pool);
                }
            }
            double[] acquiredBefore = new double[2];
            for (int s = 0; s < 2; s++) {
                acquiredBefore[s] = acquire(registry, "sharding-orm-" + shards.get(s) + "-replica1");
            }

            for (int i = 0; i < READS; i++) {
                long key = keys[i % 2];
                orm.fromReadOnlyTransaction(key, session -> session.find(User.class, key));
            }
            for (int i = 0; i < 10; i++) {
                long key = keys[i % 2];
                orm.fromReadOnlyTransaction(key, ReadFrom.PRIMARY, null, session -> session.find(User.class, key));
                orm.inTransaction(key, session -> session.find(User.class, key).setName("w" + key));
            }

            for (int s = 0; s < 2; s++) {
                String shard = shards.get(s);
                long replicaReads = count(registry, shard, "replica", "read");
                long primaryReads = count(registry, shard, "primary", "read");
                System.out.printf("%s: %d reads counted as role=replica, %d as role=primary; replica pool acquisitions +%.0f%n", shard,
                        replicaReads, primaryReads, acquire(registry, "sharding-orm-" + shard + "-replica1") - acquiredBefore[s]);
                assertTrue(replicaReads >= READS / 2 * 9 / 10, shard + ": reads served by its replica count as role=replica: " + replicaReads);
                assertEquals(READS / 2 + 5, replicaReads + primaryReads, shard + ": every read counted once");
                assertTrue(primaryReads >= 5, shard + ": read-from PRIMARY counts as role=primary: " + primaryReads);
                assertEquals(5, count(registry, shard, "primary", "write"), shard + ": writes are the primary's");
                assertEquals(0, count(registry, shard, "replica", "write"), shard + ": no write on a replica");
                assertTrue(acquire(registry, "sharding-orm-" + shard + "-replica1") - acquiredBefore[s] >= replicaReads,
                        shard + ": the replica pool's own acquisition count moved with the reads it served");
            }
        }
    }

    private static io.github.shardingorm.ShardedPersistenceBuilder builder(PostgresServer primary, PostgresServer replica) {
        io.github.shardingorm.ShardedPersistenceBuilder b = ShardedPersistence.builder()
                .shard("s0", primary.jdbcUrl("rm_0"), primary.username(), PASSWORD)
                .shard("s1", primary.jdbcUrl("rm_1"), primary.username(), PASSWORD)
                .entities(User.class).maximumPoolSize(3).healthProbe(Duration.ofMillis(100), Duration.ofSeconds(1));
        if (replica != null) {
            b.replica("s0", replica.jdbcUrl("rm_0"), primary.username(), PASSWORD)
                    .replica("s1", replica.jdbcUrl("rm_1"), primary.username(), PASSWORD);
        }
        return b;
    }

    private static long count(SimpleMeterRegistry registry, String shard, String role, String operation) {
        return registry.find("db.client.operation.duration").tag("shard", shard).tag("role", role).tag("db.operation.name", operation)
                .timers().stream().mapToLong(Timer::count).sum();
    }

    private static double acquire(SimpleMeterRegistry registry, String pool) {
        Timer t = registry.find("hikaricp.connections.acquire").tag("pool", pool).timer();
        assertNotNull(t, "hikaricp.connections.acquire of " + pool);
        return t.count();
    }

    private static void awaitReplicaUp(ShardedPersistence orm) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!orm.health().stream().allMatch(h -> h.replicas().stream()
                .allMatch(r -> r.state() == HealthState.UP && r.lag().compareTo(Duration.ZERO) == 0 && r.lag() != NodeHealth.INFINITE))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replica not UP without lag: " + orm.health());
            }
            Thread.sleep(20);
        }
    }
}
