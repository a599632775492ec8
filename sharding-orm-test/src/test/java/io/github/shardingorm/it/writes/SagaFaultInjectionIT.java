package io.github.shardingorm.it.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.internal.writes.FaultInjector;
import io.github.shardingorm.internal.writes.FaultInjector.Point;
import io.github.shardingorm.it.writes.WritesFixture.Shard;
import io.github.shardingorm.saga.SagaState;
import io.github.shardingorm.saga.SagaStatus;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabases;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A 3-step saga (one step per shard) crashed at every boundary: before each step, after each
 * step's commit but before the log update, before and after each compensation, and inside
 * recovery itself. A crash is an {@link Error} thrown from the fault hook; the instance is then
 * closed without any clean-up and a fresh instance recovers. Checked through JDBC on every shard:
 * the saga ends COMPLETED with every mark, or COMPENSATED with none.
 */
@PostgresShards(count = 3)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagaFaultInjectionIT {

    private List<Shard> shards;
    private long nextKey = 50_000;

    @BeforeAll
    void createSchema(ShardDatabases databases) {
        shards = WritesFixture.shards(databases);
        build(null, Duration.ZERO).close();
    }

    static Stream<Arguments> crashes() {
        return Stream.of(
                Arguments.of(Point.BEFORE_STEP, 0, false, null, SagaState.COMPLETED),
                Arguments.of(Point.BEFORE_STEP, 1, false, null, SagaState.COMPLETED),
                Arguments.of(Point.BEFORE_STEP, 2, false, null, SagaState.COMPLETED),
                Arguments.of(Point.AFTER_STEP_COMMIT, 0, false, null, SagaState.COMPLETED),
                Arguments.of(Point.AFTER_STEP_COMMIT, 1, false, null, SagaState.COMPLETED),
                Arguments.of(Point.AFTER_STEP_COMMIT, 2, false, null, SagaState.COMPLETED),
                Arguments.of(Point.BEFORE_COMPENSATION, 2, true, null, SagaState.COMPENSATED),
                Arguments.of(Point.BEFORE_COMPENSATION, 1, true, null, SagaState.COMPENSATED),
                Arguments.of(Point.AFTER_COMPENSATION_COMMIT, 1, true, null, SagaState.COMPENSATED),
                Arguments.of(Point.AFTER_COMPENSATION_COMMIT, 0, true, null, SagaState.COMPENSATED),
                // a second crash inside recovery itself
                Arguments.of(Point.AFTER_STEP_COMMIT, 1, false, new Faults(Point.RECOVERY_CLAIMED, -1), SagaState.COMPLETED),
                Arguments.of(Point.AFTER_STEP_COMMIT, 0, false, new Faults(Point.AFTER_STEP_COMMIT, 1), SagaState.COMPLETED),
                Arguments.of(Point.AFTER_COMPENSATION_COMMIT, 2, true, new Faults(Point.BEFORE_COMPENSATION, 1), SagaState.COMPENSATED));
    }

    @ParameterizedTest(name = "crash at {0} of step {1} (failing saga: {2}), then in recovery: {3}")
    @MethodSource("crashes")
    void everyCrashEndsFullyAppliedOrFullyCompensated(Point point, int step, boolean failing, Faults inRecovery,
                                                      SagaState expected) throws Exception {
        String op = UUID.randomUUID().toString();
        Faults crash = new Faults(point, step);
        try (ShardedPersistence first = build(crash, Duration.ZERO)) {
            WritesFixture.awaitFirstRecoveryPass(first);
            Map<String, Object> args = args(first, op);
            if (failing) {
                args.put("failAt", 2);
            }
            assertThrows(Faults.SimulatedCrash.class, () -> first.sagas().start(WritesFixture.MARKS3, args));
        }
        UUID id = sagaIdOf(op);
        if (inRecovery != null) {
            try (ShardedPersistence second = build(inRecovery, Duration.ofMillis(100))) {
                assertTrue(inRecovery.awaitFired(10_000), "recovery reached " + inRecovery);
            }
        }
        long start = System.nanoTime();
        try (ShardedPersistence last = build(null, Duration.ofMillis(100))) {
            assertTrue(WritesFixture.await(15_000, () -> last.sagas().status(id).orElseThrow().state().isFinal()),
                    () -> "saga still " + last.sagas().status(id));
            SagaStatus status = last.sagas().status(id).orElseThrow();
            assertEquals(expected, status.state(), status.toString());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "recovered within seconds");
        }
        List<String> marks = WritesFixture.marksOf(shards, op);
        assertEquals(expected == SagaState.COMPLETED ? List.of("s0:0", "s1:1", "s2:2") : List.of(), marks);
        long fences = 0;
        for (Shard s : shards) {
            fences += WritesFixture.count(s, "SELECT count(*) FROM shorm_saga_step WHERE saga_id = '" + id + "' AND kind = '"
                    + (expected == SagaState.COMPLETED ? "done" : "compensated") + "'");
        }
        assertEquals(3, fences, "one fence per step, all " + expected);
    }

    private ShardedPersistence build(FaultInjector faults, Duration recoveryInterval) {
        ShardedPersistenceBuilder b = WritesFixture.builder(shards).saga(WritesFixture.marks3())
                .sagaLease(Duration.ofMillis(300)).recoveryInterval(recoveryInterval).sagaRetries(3, Duration.ofMillis(20));
        if (faults != null) {
            b.hibernateProperty(FaultInjector.PROPERTY, faults);
        }
        return b.build();
    }

    private Map<String, Object> args(ShardedPersistence orm, String op) {
        Map<String, Object> args = new HashMap<>();
        args.put("op", op);
        for (int i = 0; i < 3; i++) {
            long k = WritesFixture.keyOn(orm, "s" + i, nextKey);
            nextKey = k + 1;
            args.put("k" + i, k);
        }
        return args;
    }

    private UUID sagaIdOf(String op) throws Exception {
        for (Map.Entry<String, String[]> row : WritesFixture.sagaRows(shards).entrySet()) {
            if (row.getValue()[1].contains(op)) {
                return UUID.fromString(row.getKey());
            }
        }
        throw new AssertionError("no saga row for op " + op);
    }
}
