package io.github.shardingorm.internal.query.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardQueryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executor without a database: results in shard order, failures listed, timeouts, partial answers, named daemon threads. */
class ScatterGatherTest {

    private final ScatterGather scatter = new ScatterGather(3);

    @AfterEach
    void close() {
        scatter.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    @Test
    void answersComeBackInShardOrderWhateverTheOrderTheyFinish() {
        var outcome = scatter.run(List.of("s0", "s1", "s2", "s3"), (shard, c) -> {
            sleep(shard.equals("s0") ? 60 : 5);
            return shard.toUpperCase();
        }, null, FailurePolicy.FAIL, "q");
        assertEquals(List.of("s0", "s1", "s2", "s3"), List.copyOf(outcome.results().keySet()));
        assertEquals("S2", outcome.results().get("s2"));
        assertEquals(Map.of(), outcome.missing());
    }

    @Test
    void failFastNamesTheFailedShardsWithTheirCauses() {
        ShardQueryException e = assertThrows(ShardQueryException.class, () -> scatter.run(List.of("s0", "s1", "s2"), (shard, c) -> {
            sleep(20);
            if (!shard.equals("s0")) {
                throw new IllegalStateException("boom on " + shard);
            }
            return 1;
        }, null, FailurePolicy.FAIL, "select x"));
        assertTrue(e.getFailures().keySet().containsAll(Set.of("s1", "s2")), e.getMessage());
        assertTrue(e.getMessage().contains("'s1'") && e.getMessage().contains("boom on s1") && e.getMessage().contains("select x"), e.getMessage());
    }

    /**
     * The shards cancelled because one failed are not among the failures, whatever order they end
     * in: a cancelled shard that reported before the failed one once made it a "failure" of its own
     * (QueryFailurePolicyIT: failures [s1, s3], s3 "cancelled before it started").
     */
    @Test
    void shardsCancelledByAnothersFailureAreNotFailures() {
        // the failed shard's thread is held between cancelling the others and reporting, so they report first
        scatter.pauseBeforeReportingForTests(30);
        for (int round = 0; round < 5; round++) {
            ShardQueryException e = assertThrows(ShardQueryException.class, () -> scatter.run(List.of("s0", "s1", "s2", "s3"),
                    (shard, c) -> {
                        if (shard.equals("s1")) {
                            throw new IllegalStateException("boom on s1");
                        }
                        long until = System.nanoTime() + 5_000_000_000L;
                        while (!c.isCancelled() && System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        throw new java.util.concurrent.CancellationException("cancelled while running");
                    }, null, FailurePolicy.FAIL, "q"));
            assertEquals(Set.of("s1"), e.getFailures().keySet(), "round " + round + ": " + e.getMessage());
            assertEquals(Set.of("s0", "s2", "s3"), Set.copyOf(e.getCancelledShards()), e.getMessage());
        }
    }

    @Test
    void partialReturnsTheOthersAndNamesTheMissing() {
        var outcome = scatter.run(List.of("s0", "s1", "s2"), (shard, c) -> {
            if (shard.equals("s1")) {
                throw new IllegalStateException("down");
            }
            return shard;
        }, null, FailurePolicy.PARTIAL, "q");
        assertEquals(Set.of("s0", "s2"), outcome.results().keySet());
        assertEquals(Set.of("s1"), outcome.missing().keySet());
    }

    @Test
    void aLateShardTimesOutAndIsCancelled() {
        Map<String, Boolean> cancelled = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        ShardQueryException e = assertThrows(ShardQueryException.class, () -> scatter.run(List.of("s0", "s1"), (shard, c) -> {
            if (shard.equals("s1")) {
                for (int i = 0; i < 1000 && !c.isCancelled(); i++) {
                    sleep(10);
                }
                cancelled.put(shard, c.isCancelled());
            }
            return shard;
        }, Duration.ofMillis(500), FailurePolicy.FAIL, "q"));
        // generous bounds: a loaded machine may start s0's trivial task late, but s1 alone runs for 10 s
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000);
        assertEquals(Set.of("s1"), e.getFailures().keySet());
        assertInstanceOf(TimeoutException.class, e.getFailures().get("s1"));
        for (int i = 0; i < 500 && !cancelled.containsKey("s1"); i++) {
            sleep(10);
        }
        assertEquals(Boolean.TRUE, cancelled.get("s1"));
    }

    @Test
    void shardTasksRunOnNamedDaemonThreads() {
        Set<String> names = ConcurrentHashMap.newKeySet();
        scatter.run(List.of("s0", "s1", "s2"), (shard, c) -> {
            Thread t = Thread.currentThread();
            names.add(t.getName() + (t.isDaemon() ? "" : " (not daemon)"));
            return shard;
        }, Duration.ofSeconds(5), FailurePolicy.FAIL, "q");
        assertTrue(names.stream().allMatch(n -> n.matches("sharding-orm-query-\\d+")), names.toString());
    }

    @Test
    void aClosedExecutorRefusesWork() {
        scatter.close();
        assertThrows(IllegalStateException.class, () -> scatter.run(List.of("s0", "s1"), (s, c) -> s, null, FailurePolicy.FAIL, "q"));
    }
}
