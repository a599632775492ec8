package io.github.shardingorm.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardUnavailableException.Reason;
import io.github.shardingorm.health.HealthState;
import io.github.shardingorm.health.NodeRole;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NodeMonitorTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final NodeMonitor monitor = new NodeMonitor("s1", NodeRole.PRIMARY, "jdbc:postgresql://h/db", 3, clock::get);

    @Test
    void breaker_opensAfterThresholdConsecutiveFailures_degradedBefore() {
        SQLException refused = new SQLException("Connection refused", "08001");
        assertFalse(monitor.recordFailure(refused));
        assertEquals(HealthState.DEGRADED, monitor.state());
        assertFalse(monitor.recordFailure(refused));
        clock.set(5_000);
        assertTrue(monitor.recordFailure(refused));
        assertTrue(monitor.isOpen());
        assertEquals(HealthState.DOWN, monitor.state());
        assertEquals(5_000, monitor.since().toEpochMilli());
        assertEquals(Reason.UNREACHABLE, monitor.lastReason());
        assertTrue(monitor.lastError().contains("08001"), monitor.lastError());
    }

    @Test
    void breaker_aSuccessResetsTheCount() {
        SQLException refused = new SQLException("Connection refused", "08001");
        monitor.recordFailure(refused);
        monitor.recordFailure(refused);
        monitor.recordSuccess();
        assertEquals(HealthState.UP, monitor.state());
        monitor.recordFailure(refused);
        monitor.recordFailure(refused);
        assertFalse(monitor.isOpen());
    }

    @Test
    void breaker_callsDoNotCloseIt_theProbeDoesAndRunsTheHealHook() {
        AtomicInteger healed = new AtomicInteger();
        monitor.onHeal(healed::incrementAndGet);
        monitor.open(new SQLException("x", "08006"), "x");
        monitor.recordSuccess();
        assertTrue(monitor.isOpen());
        monitor.probeSucceeded(1_000_000);
        assertEquals(HealthState.UP, monitor.state());
        assertEquals(1, healed.get());
        monitor.probeSucceeded(1_000_000);
        assertEquals(1, healed.get(), "the hook runs on a transition only");
    }

    @Test
    void slowStatementsAndPoolExhaustionDoNotCount_butAHungSocketAndBadCredentialsDo() {
        for (int i = 0; i < 5; i++) {
            assertFalse(monitor.recordFailure(new SQLException("canceling statement due to statement timeout", "57014")));
        }
        assertEquals(HealthState.UP, monitor.state());
        monitor.recordFailure(new SQLException("An I/O error occurred", "08006", new SocketTimeoutException("Read timed out")));
        assertEquals(Reason.TIMED_OUT, monitor.lastReason());
        monitor.recordFailure(new SQLException("password authentication failed", "28P01"));
        assertEquals(Reason.AUTHENTICATION_FAILED, monitor.lastReason());
        assertEquals(HealthState.DEGRADED, monitor.state());
    }

    @Test
    void lag_isInfiniteWhenNeverSampled_down_orTheSampleIsTooOld() {
        NodeMonitor replica = new NodeMonitor("s1", NodeRole.REPLICA, "r", 3, clock::get);
        assertEquals(NodeMonitor.INFINITE_LAG, replica.lagMillis(0, 1_000));
        replica.sampledReplica(100, 20, 1_000);
        assertEquals(20, replica.lagMillis(1_500, 1_000));
        assertEquals(NodeMonitor.INFINITE_LAG, replica.lagMillis(2_001, 1_000));
        replica.open(new SQLException("x", "08006"), "x");
        assertEquals(NodeMonitor.INFINITE_LAG, replica.lagMillis(1_500, 1_000));
    }

    @Test
    void classify_bySqlStateThenSocketTimeout() {
        assertEquals(Reason.AUTHENTICATION_FAILED, Failures.classify(new RuntimeException(new SQLException("x", "28000"))));
        assertEquals(Reason.READ_ONLY, Failures.classify(new SQLException("cannot execute INSERT in a read-only transaction", "25006")));
        assertEquals(Reason.TIMED_OUT, Failures.classify(new SQLException("x", "57014")));
        assertEquals(Reason.UNREACHABLE, Failures.classify(new SQLException("terminating connection due to administrator command", "57P01")));
    }
}
