package io.github.shardingorm.it.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.writes.WritesFixture.Shard;
import io.github.shardingorm.it.writes.model.WriteMark;
import io.github.shardingorm.saga.RetryDirection;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.saga.SagaException;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.saga.SagaState;
import io.github.shardingorm.saga.SagaStatus;
import io.github.shardingorm.spi.CrossShardWriteListener;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Operator actions on the saga log, on 3 real PostgreSQL shards: retry and resolve a saga that
 * needs attention, purge finished sagas (never a running one or one needing attention), and the
 * background retention of the recovery loop. Every effect is checked through JDBC on the shards.
 */
@PostgresShards(count = 3)
class SagaOperationsIT {

    private static final String FLAKY = "flaky-marks";
    /** While true, every compensation of {@link #FLAKY} throws (an outage an operator then fixes). */
    private static final AtomicBoolean COMPENSATIONS_BROKEN = new AtomicBoolean();
    private long nextKey = 50_000;

    /** Like marks3, but its compensations fail while {@link #COMPENSATIONS_BROKEN}; step {@code failAt} throws. */
    private static SagaDefinition flaky() {
        SagaDefinition.Builder b = SagaDefinition.named(FLAKY);
        for (int i = 0; i < 3; i++) {
            final int step = i;
            b.step("mark-" + i, args -> args.get("k" + step), (session, args) -> {
                if (args.get("failAt") != null && args.getInt("failAt") == step) {
                    throw new IllegalStateException("planned failure at step " + step);
                }
                session.persist(new WriteMark(args.getString("op"), step, 3, args.getLong("k" + step)));
            }, (session, args) -> {
                if (COMPENSATIONS_BROKEN.get()) {
                    throw new IllegalStateException("compensation of step " + step + " is broken");
                }
                WriteMark mark = session.find(WriteMark.class, WriteMark.id(args.getString("op"), step));
                if (mark != null) {
                    session.remove(mark);
                }
            });
        }
        return b.build();
    }

    private ShardedPersistence open(List<Shard> shards, Duration retention) {
        return WritesFixture.builder(shards).saga(flaky()).saga(WritesFixture.marks3()).sagaRetries(2, Duration.ofMillis(10))
                .sagaRetention(retention).build();
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

    private SagaResult needingAttention(ShardedPersistence orm, String op) {
        Map<String, Object> args = args(orm, op);
        args.put("failAt", 2);
        COMPENSATIONS_BROKEN.set(true);
        try {
            SagaResult r = orm.sagas().start(FLAKY, args);
            assertEquals(SagaOutcome.FAILED_NEEDS_ATTENTION, r.outcome(), r::toString);
            return r;
        } finally {
            COMPENSATIONS_BROKEN.set(false);
        }
    }

    @Test
    void aSagaNeedingAttentionIsListedWithItsReasonThenRetriedToCompensated(ShardDatabases databases) throws Exception {
        List<Shard> shards = WritesFixture.shards(databases);
        try (ShardedPersistence orm = open(shards, Duration.ZERO)) {
            WritesFixture.awaitFirstRecoveryPass(orm);
            String op = UUID.randomUUID().toString();
            SagaResult r = needingAttention(orm, op);
            assertEquals(List.of("s0:0", "s1:1"), WritesFixture.marksOf(shards, op), "steps 0 and 1 applied, not undone");
            SagaStatus listed = orm.sagas().needingAttention().stream().filter(s -> s.id().equals(r.id())).findFirst().orElseThrow();
            assertTrue(listed.lastError().contains("is broken"), listed::toString);

            SagaException forward = assertThrows(SagaException.class, () -> orm.sagas().retry(r.id(), RetryDirection.FORWARD));
            assertTrue(forward.getMessage().contains("gave up while compensating"), forward.getMessage());

            SagaStatus after = orm.sagas().retry(r.id(), RetryDirection.COMPENSATE);
            assertEquals(SagaState.COMPENSATED, after.state(), after::toString);
            assertEquals(List.of(), WritesFixture.marksOf(shards, op), "every applied step undone");
            assertFalse(orm.sagas().needingAttention().stream().anyMatch(s -> s.id().equals(r.id())));

            SagaException again = assertThrows(SagaException.class, () -> orm.sagas().retry(r.id(), RetryDirection.COMPENSATE));
            assertTrue(again.getMessage().contains("it is COMPENSATED, not FAILED_NEEDS_ATTENTION"), again.getMessage());
            SagaException unknown = assertThrows(SagaException.class, () -> orm.sagas().resolve(UUID.randomUUID(), "x"));
            assertTrue(unknown.getMessage().contains("no such saga"), unknown.getMessage());
        }
    }

    @Test
    void aSagaNeedingAttentionIsResolvedByHandAndNothingRuns(ShardDatabases databases) throws Exception {
        List<Shard> shards = WritesFixture.shards(databases);
        try (ShardedPersistence orm = open(shards, Duration.ZERO)) {
            WritesFixture.awaitFirstRecoveryPass(orm);
            String op = UUID.randomUUID().toString();
            SagaResult r = needingAttention(orm, op);
            SagaStatus resolved = orm.sagas().resolve(r.id(), "marks removed by hand, ticket OPS-1");
            assertEquals(SagaState.RESOLVED, resolved.state());
            assertTrue(resolved.lastError().contains("OPS-1"), resolved::toString);
            assertEquals(List.of("s0:0", "s1:1"), WritesFixture.marksOf(shards, op), "resolving runs nothing");
            assertFalse(orm.sagas().needingAttention().stream().anyMatch(s -> s.id().equals(r.id())));
            assertEquals(1L, orm.statistics().sagaTransitions().get("RESOLVED"));
        }
    }

    @Test
    void purgeDeletesOnlyOldFinishedSagasWithTheirFences_neverRunningOrNeedingAttention(ShardDatabases databases) throws Exception {
        List<Shard> shards = WritesFixture.shards(databases);
        try (ShardedPersistence orm = open(shards, Duration.ZERO)) {
            WritesFixture.awaitFirstRecoveryPass(orm);
            SagaResult oldCompleted = orm.sagas().start(WritesFixture.MARKS3, args(orm, UUID.randomUUID().toString()));
            Map<String, Object> failing = args(orm, UUID.randomUUID().toString());
            failing.put("failAt", 1);
            SagaResult oldCompensated = orm.sagas().start(WritesFixture.MARKS3, failing);
            SagaResult oldAttention = needingAttention(orm, UUID.randomUUID().toString());
            SagaResult recent = orm.sagas().start(WritesFixture.MARKS3, args(orm, UUID.randomUUID().toString()));
            assertEquals(SagaOutcome.COMPLETED, oldCompleted.outcome());
            assertEquals(SagaOutcome.COMPENSATED, oldCompensated.outcome());
            UUID running = UUID.randomUUID();
            insertRunning(shards.get(0), running); // of a type no instance here drives, so it stays RUNNING
            for (UUID id : List.of(oldCompleted.id(), oldCompensated.id(), oldAttention.id(), running)) {
                age(shards, id, 10);
            }
            assertTrue(fences(shards, oldCompleted.id()) > 0);

            assertEquals(2, orm.sagas().purgeFinished(Duration.ofDays(7)));

            Map<String, String[]> rows = WritesFixture.sagaRows(shards);
            assertFalse(rows.containsKey(oldCompleted.id().toString()));
            assertFalse(rows.containsKey(oldCompensated.id().toString()));
            assertEquals(0, fences(shards, oldCompleted.id()), "its step fences went with it");
            assertEquals(0, fences(shards, oldCompensated.id()));
            assertEquals("FAILED_NEEDS_ATTENTION", rows.get(oldAttention.id().toString())[0]);
            assertEquals("RUNNING", rows.get(running.toString())[0]);
            assertEquals("COMPLETED", rows.get(recent.id().toString())[0], "younger than the age given");
            assertTrue(fences(shards, oldAttention.id()) > 0, "fences of a saga needing attention stay");
        }
    }

    @Test
    void theRecoveryLoopAppliesTheRetentionInTheBackground(ShardDatabases databases) throws Exception {
        List<Shard> shards = WritesFixture.shards(databases);
        UUID old;
        UUID recent;
        try (ShardedPersistence orm = open(shards, Duration.ZERO)) {
            old = orm.sagas().start(WritesFixture.MARKS3, args(orm, UUID.randomUUID().toString())).id();
            recent = orm.sagas().start(WritesFixture.MARKS3, args(orm, UUID.randomUUID().toString())).id();
        }
        age(shards, old, 3);
        try (ShardedPersistence orm = open(shards, Duration.ofDays(2))) {
            WritesFixture.awaitFirstRecoveryPass(orm);
            Map<String, String[]> rows = WritesFixture.sagaRows(shards);
            assertFalse(rows.containsKey(old.toString()), "older than the 2-day retention: deleted by the start-up pass");
            assertTrue(rows.containsKey(recent.toString()));
        }
    }

    @Test
    void theListenerSeesEveryStepBoundary_andAFaultItThrowsCompensatesTheSaga(ShardDatabases databases) throws Exception {
        List<Shard> shards = WritesFixture.shards(databases);
        List<String> trace = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean inject = new AtomicBoolean();
        CrossShardWriteListener listener = (boundary, type, id, step) -> {
            trace.add(boundary + ":" + step);
            if (inject.get() && boundary == CrossShardWriteListener.Boundary.SAGA_BEFORE_STEP && step == 2) {
                throw new IllegalStateException("injected by the test's listener");
            }
        };
        try (ShardedPersistence orm = WritesFixture.builder(shards).saga(WritesFixture.marks3()).sagaRetries(2, Duration.ofMillis(10))
                .crossShardWriteListener(listener).build()) {
            WritesFixture.awaitFirstRecoveryPass(orm);
            String op = UUID.randomUUID().toString();
            assertEquals(SagaOutcome.COMPLETED, orm.sagas().start(WritesFixture.MARKS3, args(orm, op)).outcome());
            assertEquals(List.of("SAGA_BEFORE_STEP:0", "SAGA_AFTER_STEP:0", "SAGA_BEFORE_STEP:1", "SAGA_AFTER_STEP:1",
                    "SAGA_BEFORE_STEP:2", "SAGA_AFTER_STEP:2"), trace);
            trace.clear();
            inject.set(true);
            String faulty = UUID.randomUUID().toString();
            SagaResult r = orm.sagas().start(WritesFixture.MARKS3, args(orm, faulty));
            assertEquals(SagaOutcome.COMPENSATED, r.outcome(), r::toString);
            assertTrue(r.reason().contains("injected by the test's listener"), r.reason());
            assertEquals(List.of(), WritesFixture.marksOf(shards, faulty));
            assertTrue(trace.containsAll(List.of("SAGA_BEFORE_COMPENSATION:1", "SAGA_AFTER_COMPENSATION:1",
                    "SAGA_BEFORE_COMPENSATION:0", "SAGA_AFTER_COMPENSATION:0")), trace::toString);
        }
    }

    @Test
    void theAdminCommandLineListsAndResolvesSagasFromThePropertiesFile(ShardDatabases databases) throws Exception {
        List<Shard> shards = WritesFixture.shards(databases);
        SagaResult r;
        try (ShardedPersistence orm = open(shards, Duration.ZERO)) {
            WritesFixture.awaitFirstRecoveryPass(orm);
            r = needingAttention(orm, UUID.randomUUID().toString());
        }
        Map<String, String> properties = new HashMap<>();
        properties.put("sharding.shards", "s0,s1,s2");
        for (Shard s : shards) {
            properties.put("sharding.shard." + s.id() + ".url", s.url());
            properties.put("sharding.shard." + s.id() + ".username", s.user());
            if (s.password() != null) {
                properties.put("sharding.shard." + s.id() + ".password", s.password());
            }
        }
        properties.put("sharding.entities", WriteMark.class.getName());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream o = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        java.io.PrintStream e = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);

        assertEquals(0, io.github.shardingorm.ShardingAdmin.run(properties, List.of("sagas"), o, e), err::toString);
        assertTrue(out.toString().contains(r.id() + "  " + FLAKY) && out.toString().contains("is broken"), out::toString);
        assertEquals(0, io.github.shardingorm.ShardingAdmin.run(properties, List.of("resolve", r.id().toString(), "fixed", "by", "hand"), o, e),
                err::toString);
        assertEquals(SagaState.RESOLVED.name(), WritesFixture.sagaRows(shards).get(r.id().toString())[0]);
        assertEquals(1, io.github.shardingorm.ShardingAdmin.run(properties, List.of("resolve", r.id().toString(), "again"), o, e),
                "resolving twice fails");
        assertTrue(err.toString().contains("it is RESOLVED"), err::toString);
        assertEquals(2, io.github.shardingorm.ShardingAdmin.run(properties, List.of("frobnicate"), o, e));
        assertEquals(0, io.github.shardingorm.ShardingAdmin.run(properties, List.of("in-doubt"), o, e), err::toString);
        assertTrue(out.toString().contains("0 transactions in doubt"), out::toString);
    }

    private static void insertRunning(Shard shard, UUID id) throws SQLException {
        try (Connection c = shard.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO shorm_saga (id, type, arguments, state, step) VALUES (?, 'another-app', '{}', 'RUNNING', 1)")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
    }

    /** Moves a saga's last update {@code days} into the past, on whichever shard holds it. */
    private static void age(List<Shard> shards, UUID id, int days) throws SQLException {
        int updated = 0;
        for (Shard s : shards) {
            try (Connection c = s.connect(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE shorm_saga SET updated_at = now() - ? * interval '1 day', created_at = now() - ? * interval '1 day' WHERE id = ?")) {
                ps.setInt(1, days);
                ps.setInt(2, days);
                ps.setObject(3, id);
                updated += ps.executeUpdate();
            }
        }
        assertEquals(1, updated, "saga " + id);
    }

    private static long fences(List<Shard> shards, UUID id) throws SQLException {
        long n = 0;
        for (Shard s : shards) {
            n += WritesFixture.count(s, "SELECT count(*) FROM shorm_saga_step WHERE saga_id = '" + id + "'");
        }
        return n;
    }
}
