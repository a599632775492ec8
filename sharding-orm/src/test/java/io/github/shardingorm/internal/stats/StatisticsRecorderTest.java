package io.github.shardingorm.internal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.metrics.ShardingStatistics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatisticsRecorderTest {

    private static final List<String> SHARDS = List.of("s0", "s1", "s2", "s3");
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private StatisticsRecorder recorder() {
        return new StatisticsRecorder(SHARDS, Duration.ofSeconds(60), true, clock::get);
    }

    private static void run(StatisticsRecorder r, String shard, OperationKind kind, long nanos, String error, long now) {
        r.operation(shard, kind, nanos, error, now);
    }

    @Test
    void aShardWithFiveTimesItsShareIsFlaggedAndAUniformLoadIsNot() {
        StatisticsRecorder uniform = recorder();
        for (int i = 0; i < 4000; i++) {
            run(uniform, SHARDS.get(i % 4), OperationKind.READ, 100_000, null, clock.get());
        }
        assertEquals(List.of(), uniform.evaluate());

        StatisticsRecorder skewed = recorder();
        List<String> hot = new ArrayList<>();
        skewed.onHotShard((shard, isHot) -> hot.add(shard + "=" + isHot));
        for (int i = 0; i < 8000; i++) {
            int slot = i % 8; // s1 gets 5 of every 8 operations: 5x each other shard's share
            run(skewed, slot < 5 ? "s1" : SHARDS.get(slot == 5 ? 0 : slot == 6 ? 2 : 3), OperationKind.WRITE, 100_000, null, clock.get());
        }
        assertEquals(List.of("s1"), skewed.evaluate());
        assertEquals(List.of("s1=true"), hot, "one event per episode");
        skewed.evaluate();
        assertEquals(List.of("s1=true"), hot, "still the same episode");
        ShardingStatistics stats = skewed.snapshot(Map.of(), false);
        assertTrue(stats.shard("s1").hot());
        assertEquals(5.0 / 8, stats.shard("s1").windowOperationShare(), 1e-9);
        assertEquals(List.of("s1"), stats.hotShards());
    }

    @Test
    void aShardTakingMostOfTheTimeIsFlaggedEvenWithItsFairShareOfOperations() {
        StatisticsRecorder r = recorder();
        for (int i = 0; i < 4000; i++) {
            String shard = SHARDS.get(i % 4);
            run(r, shard, OperationKind.QUERY, shard.equals("s2") ? 10_000_000 : 100_000, null, clock.get());
        }
        assertEquals(List.of("s2"), r.evaluate());
    }

    @Test
    void theEpisodeEndsWhenTheSkewedLoadLeavesTheWindow() {
        StatisticsRecorder r = recorder();
        List<String> events = new ArrayList<>();
        r.onHotShard((shard, isHot) -> events.add(shard + "=" + isHot));
        for (int i = 0; i < 1000; i++) {
            run(r, "s3", OperationKind.READ, 1000, null, clock.get());
        }
        assertEquals(List.of("s3"), r.evaluate());
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        for (int i = 0; i < 4000; i++) {
            run(r, SHARDS.get(i % 4), OperationKind.READ, 1000, null, clock.get());
        }
        assertEquals(List.of(), r.evaluate());
        assertEquals(List.of("s3=true", "s3=false"), events);
    }

    @Test
    void tooFewOperationsNeverFlag() {
        StatisticsRecorder r = recorder();
        for (int i = 0; i < 50; i++) {
            run(r, "s0", OperationKind.READ, 1000, null, clock.get());
        }
        assertEquals(List.of(), r.evaluate());
    }

    @Test
    void countsOperationsByKindAndErrorsByReason() {
        StatisticsRecorder r = recorder();
        run(r, "s0", OperationKind.READ, 1000, null, clock.get());
        run(r, "s0", OperationKind.WRITE, 1000, ErrorReasons.CONSTRAINT, clock.get());
        run(r, "s0", OperationKind.WRITE, 1000, null, clock.get());
        ShardingStatistics stats = r.snapshot(Map.of("s0", Map.of("t", 10L), "s1", Map.of("t", 30L)), true);
        assertEquals(3, stats.shard("s0").operations());
        assertEquals(1, stats.shard("s0").errors());
        assertEquals(2, stats.shard("s0").operations("write"));
        assertEquals(Map.of("constraint", 1L), stats.shard("s0").errorsByReason());
        assertEquals(0, stats.shard("s1").operations());
        assertEquals(30.0 / 10.0, stats.rowSkew(), 1e-9); // mean 10 over 4 shards, fullest 30
    }

    /** The keyed path finds a configured shard by reference; an equal id of another instance, or a new shard, counts the same. */
    @Test
    void aShardIdOfAnotherInstanceOrAShardAddedLaterIsCountedUnderItsId() {
        StatisticsRecorder r = recorder();
        String copy = new String("s1"); // equal, not the configured instance
        run(r, "s1", OperationKind.READ, 1000, null, clock.get());
        run(r, copy, OperationKind.READ, 1000, null, clock.get());
        r.keyRouted(copy, 7);
        run(r, "s9", OperationKind.WRITE, 1000, null, clock.get());
        ShardingStatistics stats = r.snapshot(Map.of(), false);
        assertEquals(2, stats.shard("s1").operations("read"));
        assertEquals(7, stats.shard("s1").hotBuckets().get(0).bucket());
        assertEquals(1, stats.shard("s9").operations("write"));
        assertEquals(0, stats.shard("s0").operations());
    }

    @Test
    void hotBucketsComeFromTheSketchWithTheirShare() {
        StatisticsRecorder r = recorder();
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            r.keyRouted("s0", i % 10 == 0 ? 99 : random.nextInt(4096));
        }
        var top = r.snapshot(Map.of(), false).shard("s0").hotBuckets();
        assertEquals(99, top.get(0).bucket());
        assertTrue(top.get(0).share() >= 0.1 && top.get(0).share() < 0.12, top::toString);
        // after two windows, the sketch forgot the old load
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        r.evaluate();
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        r.evaluate();
        assertFalse(r.snapshot(Map.of(), false).shard("s0").hotBuckets().stream().anyMatch(b -> b.bucket() == 99));
    }
}
