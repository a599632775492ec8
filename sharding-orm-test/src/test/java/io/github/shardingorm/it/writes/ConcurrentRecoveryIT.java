package io.github.shardingorm.it.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.internal.writes.FaultInjector;
import io.github.shardingorm.internal.writes.FaultInjector.Point;
import io.github.shardingorm.it.writes.WritesFixture.Shard;
import io.github.shardingorm.saga.SagaState;
import io.github.shardingorm.test.PostgresShardSupport;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two instances recovering the same crashed sagas at the same time: each saga is claimed (its
 * lease taken) by exactly one of them, every saga completes once, every step applied once.
 */
@PostgresShards(count = 3)
class ConcurrentRecoveryIT {

    private static final int SAGAS = 20;

    @Test
    void twoInstancesRecoveringAtOnceNeverBothDriveASaga(ShardDatabases databases) throws Exception {
        List<Shard> shards = WritesFixture.shards(databases);
        List<String> ops = new ArrayList<>();
        FaultInjector crashAfterFirstStep = (point, type, id, step) -> {
            if (point == Point.AFTER_STEP_COMMIT && step == 0) {
                throw new Faults.SimulatedCrash("crash after step 0 of " + id);
            }
        };
        try (ShardedPersistence crashing = WritesFixture.builder(shards).saga(WritesFixture.marks3()).recoveryInterval(Duration.ZERO)
                .sagaLease(Duration.ofMillis(500)).hibernateProperty(FaultInjector.PROPERTY, crashAfterFirstStep).build()) {
            long key = 70_000;
            for (int i = 0; i < SAGAS; i++) {
                String op = UUID.randomUUID().toString();
                ops.add(op);
                Map<String, Object> args = new HashMap<>();
                args.put("op", op);
                for (int k = 0; k < 3; k++) {
                    key = WritesFixture.keyOn(crashing, "s" + k, key + 1);
                    args.put("k" + k, key);
                }
                assertThrows(Faults.SimulatedCrash.class, () -> crashing.sagas().start(WritesFixture.MARKS3, args));
            }
        }

        Map<UUID, List<String>> claims = new ConcurrentHashMap<>();
        CountDownLatch bothUp = new CountDownLatch(2);
        List<ShardedPersistence> instances = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (String name : List.of("A", "B")) {
                runs.add(pool.submit(() -> {
                    FaultInjector recordClaims = (point, type, id, step) -> {
                        if (point == Point.RECOVERY_CLAIMED) {
                            claims.computeIfAbsent((UUID) id, x -> new CopyOnWriteArrayList<>()).add(name);
                        }
                    };
                    ShardedPersistence orm = WritesFixture.builder(shards).saga(WritesFixture.marks3()).recoveryInterval(Duration.ZERO)
                            .sagaLease(Duration.ofMillis(500)).hibernateProperty(FaultInjector.PROPERTY, recordClaims).build();
                    instances.add(orm);
                    bothUp.countDown();
                    // bounded: when the other instance fails to start, this one fails too instead of waiting forever
                    if (!bothUp.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new AssertionError("instance " + name + " started, the other did not within 60 s (see its failure)");
                    }
                    for (int pass = 0; pass < 30 && !orm.sagas().unfinished().isEmpty(); pass++) {
                        orm.sagas().recover();
                        Thread.sleep(50);
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(3, java.util.concurrent.TimeUnit.MINUTES);
            }
            ShardedPersistence orm = instances.get(0);
            assertEquals(List.of(), orm.sagas().unfinished());
            assertEquals(SAGAS, claims.size(), "every crashed saga was recovered");
            claims.forEach((id, by) -> assertEquals(1, by.size(), "saga " + id + " claimed by " + by));
            for (String op : ops) {
                assertEquals(List.of("s0:0", "s1:1", "s2:2"), WritesFixture.marksOf(shards, op));
            }
            for (Map.Entry<String, String[]> row : WritesFixture.sagaRows(shards).entrySet()) {
                assertEquals(SagaState.COMPLETED.name(), row.getValue()[0], row.getKey());
            }
            System.out.println("concurrent recovery: claims per instance " + claims.values().stream()
                    .collect(java.util.stream.Collectors.groupingBy(l -> l.get(0), java.util.stream.Collectors.counting())));
        } finally {
            pool.shutdownNow();
            instances.forEach(ShardedPersistence::close);
        }
    }

    @Test
    void validateReportsMissingWriteLogTablesOnEveryShard() {
        try (ShardDatabases empty = PostgresShardSupport.createDatabases(2)) {
            ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, () -> WritesFixture.builder(WritesFixture.shards(empty), SchemaAction.VALIDATE)
                    .saga(WritesFixture.marks3()).build());
            assertTrue(e.getMessage().contains("shard 's0' lacks the write-log tables [shorm_saga, shorm_saga_step, shorm_2pc_decision]")
                    && e.getMessage().contains("shard 's1' lacks"), e.getMessage());
        }
    }
}
