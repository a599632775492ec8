package io.github.shardingorm.internal.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.internal.config.WriteSettings;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.saga.SagaException;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.saga.SagaState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.jdbc.ReturningWork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The saga state machine without a database: sessions run the step in a fake transaction whose
 * connection keeps the step fences in a map (rolled back when the work throws); the saga log is a mock.
 */
class SagaEngineTest {

    private final Map<String, String> fences = new HashMap<>();
    private final List<String> ran = new ArrayList<>();
    private final SagaLog log = mock(SagaLog.class);
    private final ShardSessions sessions = mock(ShardSessions.class);
    private final Map<Integer, Integer> failuresLeft = new HashMap<>();
    private final Map<Integer, RuntimeException> failWith = new HashMap<>();
    private boolean compensationsFail;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void fakes() throws Exception {
        when(log.coordinatorShard(any(UUID.class))).thenReturn("s0");
        when(log.update(anyString(), any(), anyString(), any(), anyInt(), anyInt(), any(), any(), anyLong(), anyLong())).thenReturn(true);
        when(sessions.fromOwnTransaction(anyString(), anyBoolean(), any())).thenAnswer(inv -> {
            String shard = inv.getArgument(0);
            Function<Session, Object> work = inv.getArgument(2);
            Map<String, String> before = new HashMap<>(fences);
            Session session = mock(Session.class);
            when(session.toString()).thenReturn(shard);
            Connection connection = fenceConnection();
            when(session.doReturningWork(any())).thenAnswer(w -> ((ReturningWork<Object>) w.getArgument(0)).execute(connection));
            try {
                return work.apply(session);
            } catch (RuntimeException e) {
                fences.clear();
                fences.putAll(before);
                throw e;
            }
        });
    }

    /** A connection whose three fence statements act on {@link #fences}. */
    private Connection fenceConnection() throws Exception {
        Connection c = mock(Connection.class);
        java.sql.DatabaseMetaData metaData = mock(java.sql.DatabaseMetaData.class);
        when(metaData.getDatabaseProductName()).thenReturn("PostgreSQL");
        when(c.getMetaData()).thenReturn(metaData);
        when(c.prepareStatement(anyString())).thenAnswer(inv -> {
            String sql = inv.getArgument(0);
            Object[] params = new Object[4];
            PreparedStatement ps = mock(PreparedStatement.class);
            org.mockito.stubbing.Answer<Void> capture = a -> {
                params[(Integer) a.getArgument(0)] = a.getArgument(1);
                return null;
            };
            org.mockito.Mockito.doAnswer(capture).when(ps).setObject(anyInt(), any());
            org.mockito.Mockito.doAnswer(capture).when(ps).setInt(anyInt(), anyInt());
            org.mockito.Mockito.doAnswer(capture).when(ps).setString(anyInt(), any());
            when(ps.executeUpdate()).thenAnswer(a -> {
                String key = params[1] + ":" + params[2];
                if (sql.startsWith("INSERT")) {
                    return fences.putIfAbsent(key, (String) params[3]) == null ? 1 : 0;
                }
                return fences.replace(key, "done", "compensated") ? 1 : 0;
            });
            when(ps.executeQuery()).thenAnswer(a -> {
                ResultSet rs = mock(ResultSet.class);
                when(rs.next()).thenReturn(true);
                when(rs.getString(1)).thenReturn(fences.get(params[1] + ":" + params[2]));
                return rs;
            });
            return ps;
        });
        return c;
    }

    private RuntimeSaga saga() {
        List<RuntimeSaga.Step> steps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final int step = i;
            steps.add(new RuntimeSaga.Step("step-" + i, args -> "s" + step, (s, args) -> {
                Integer left = failuresLeft.get(step);
                if (left != null && left > 0) {
                    failuresLeft.put(step, left - 1);
                    throw failWith.get(step);
                }
                ran.add("do" + step + "@" + s);
            }, (s, args) -> {
                if (compensationsFail) {
                    throw new IllegalStateException("undo " + step + " broken");
                }
                ran.add("undo" + step + "@" + s);
            }));
        }
        return new RuntimeSaga("t", steps, false);
    }

    private SagaEngine engine(int maxAttempts) {
        return new SagaEngine(Map.of("t", saga()), sessions, log, new WriteSettings(maxAttempts, 1, 2, 10_000, 0, 0),
                SagaFaults.NONE, List.of("s0", "s1", "s2"));
    }

    @Test
    void runsEveryStepOnItsShardInOrderAndRecordsCompleted() {
        SagaResult result = engine(3).start("t", Map.of("x", 1L));

        assertEquals(SagaOutcome.COMPLETED, result.outcome());
        assertEquals(List.of("do0@s0", "do1@s1", "do2@s2"), ran);
        assertEquals("done", fences.get(result.id() + ":2"));
        verify(log).update(eq("s0"), eq(result.id()), anyString(), eq(SagaState.COMPLETED), eq(3), eq(0), isNull(), isNull(), anyLong(), eq(-1L));
    }

    @Test
    void aFailingStepCompensatesTheAppliedStepsLastFirstAndBlocksItself() {
        failuresLeft.put(2, 1);
        failWith.put(2, new IllegalStateException("no"));

        SagaResult result = engine(3).start("t", Map.of());

        assertEquals(SagaOutcome.COMPENSATED, result.outcome());
        assertTrue(result.reason().startsWith("step 'step-2' (3 of 3) failed: IllegalStateException: no"), result.reason());
        assertEquals(List.of("do0@s0", "do1@s1", "undo1@s1", "undo0@s0"), ran);
        assertEquals("compensated", fences.get(result.id() + ":2"), "a no-op fence blocks the failed step");
    }

    @Test
    void aTransientFailureIsRetriedForwardWithoutCompensating() {
        failuresLeft.put(1, 2);
        failWith.put(1, new ShardUnavailableException("s1", "down", null));

        SagaResult result = engine(3).start("t", Map.of());

        assertEquals(SagaOutcome.COMPLETED, result.outcome());
        assertEquals(List.of("do0@s0", "do1@s1", "do2@s2"), ran);
    }

    @Test
    void aCompensationThatKeepsFailingEndsNeedingAttentionWithItsCause() {
        failuresLeft.put(1, 1);
        failWith.put(1, new IllegalStateException("no"));
        compensationsFail = true;

        SagaResult result = engine(3).start("t", Map.of());

        assertEquals(SagaOutcome.FAILED_NEEDS_ATTENTION, result.outcome());
        assertTrue(result.reason().contains("undo 0 broken") && result.reason().contains("3 attempts")
                && result.reason().contains("step 'step-1' (2 of 3) failed"), result.reason());
        assertEquals("done", fences.get(result.id() + ":0"), "the failed compensation rolled back with its fence");
    }

    @Test
    void badInputWritesNothing() {
        SagaEngine engine = engine(3);
        assertThrows(SagaException.class, () -> engine.start("nope", Map.of()));
        assertThrows(SagaException.class, () -> engine.start("t", Map.of("o", new Object())));
        SagaEngine nullKey = new SagaEngine(Map.of("t", new RuntimeSaga("t", List.of(new RuntimeSaga.Step("a", args -> {
            throw new IllegalArgumentException("its key function returned null");
        }, (s, a) -> { }, null)), false)), sessions, log, WriteSettings.DEFAULTS, SagaFaults.NONE, List.of("s0"));
        SagaException e = assertThrows(SagaException.class, () -> nullKey.start("t", Map.of()));
        assertTrue(e.getMessage().contains("step 'a' (1 of 1) has no shard"), e.getMessage());
        verify(log, never()).insert(any(), anyString(), anyString(), anyString(), anyLong());
    }

    @Test
    void recoverySkipsAStepAlreadyDoneAndFinishesTheRest() {
        UUID id = UUID.randomUUID();
        fences.put(id + ":0", "done");
        fences.put(id + ":1", "done");
        recoverable(id, SagaState.RUNNING, 1);

        assertEquals(1, engine(3).recover());

        assertEquals(List.of("do2@s2"), ran);
        verify(log).update(eq("s1"), eq(id), anyString(), eq(SagaState.COMPLETED), eq(3), eq(0), any(), any(), anyLong(), eq(-1L));
    }

    @Test
    void aLateStepBlockedByACompensationTurnsTheSagaToCompensating() {
        UUID id = UUID.randomUUID();
        fences.put(id + ":0", "done");
        fences.put(id + ":1", "compensated");
        recoverable(id, SagaState.RUNNING, 1);

        engine(3).recover();

        assertEquals(List.of("undo0@s0"), ran);
        verify(log).update(eq("s1"), eq(id), anyString(), eq(SagaState.COMPENSATED), eq(-1), eq(0), any(), any(), anyLong(), eq(-1L));
    }

    @Test
    void recoveryReschedulesATransientFailureInsteadOfWaiting() {
        UUID id = UUID.randomUUID();
        recoverable(id, SagaState.RUNNING, 0);
        failuresLeft.put(0, 1);
        failWith.put(0, new ShardUnavailableException("s0", "down", null));

        engine(3).recover();

        assertEquals(List.of(), ran);
        verify(log, atLeastOnce()).update(eq("s1"), eq(id), anyString(), eq(SagaState.RUNNING), eq(0), eq(1), any(), any(), anyLong(),
                org.mockito.ArgumentMatchers.longThat(l -> l > 0));
    }

    private void recoverable(UUID id, SagaState state, int step) {
        when(log.due(eq("s1"), any(), anyInt())).thenReturn(List.of(id));
        when(log.claim(eq("s1"), eq(id), anyString(), anyLong()))
                .thenReturn(new SagaLog.Row(id, "t", "", state, step, 0, null));
    }
}
