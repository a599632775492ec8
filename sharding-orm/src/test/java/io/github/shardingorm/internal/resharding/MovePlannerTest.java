package io.github.shardingorm.internal.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MovePlannerTest {

    private static final List<String> SHARDS = List.of("s0", "s1", "s2", "s3");

    private static String[] owners(String... runs) {
        List<String> all = new ArrayList<>();
        for (String run : runs) {
            String[] p = run.split("x");
            for (int i = 0; i < Integer.parseInt(p[0]); i++) {
                all.add(p[1]);
            }
        }
        return all.toArray(String[]::new);
    }

    private static String[] apply(String[] owners, List<MovePlanner.PlannedMove> moves) {
        String[] after = Arrays.copyOf(owners, owners.length);
        for (MovePlanner.PlannedMove m : moves) {
            for (int b : m.buckets()) {
                assertEquals(m.source(), owners[b], "bucket " + b + " moves from its owner");
                after[b] = m.target();
            }
        }
        return after;
    }

    private static long count(String[] owners, String shard) {
        return Arrays.stream(owners).filter(shard::equals).count();
    }

    @Test
    void addShard_takesAnEvenShareFromTheRichest() {
        String[] owners = owners("32xs0", "32xs1");
        List<String> problems = new ArrayList<>();
        String[] after = apply(owners, MovePlanner.addShard(owners, "s2", SHARDS, problems));
        assertEquals(List.of(), problems);
        assertEquals(21, count(after, "s2"));
        assertTrue(Math.abs(count(after, "s0") - count(after, "s1")) <= 1);
    }

    @Test
    void splitMovesTheUpperHalf_mergeMovesEverything() {
        String[] owners = owners("32xs0", "32xs1");
        List<String> problems = new ArrayList<>();
        List<MovePlanner.PlannedMove> split = MovePlanner.split(owners, "s1", "s3", SHARDS, problems);
        assertEquals(new TreeSet<>(java.util.stream.IntStream.range(48, 64).boxed().toList()), split.get(0).buckets());
        String[] merged = apply(owners, MovePlanner.merge(owners, "s0", "s1", SHARDS, problems));
        assertEquals(64, count(merged, "s1"));
        assertEquals(List.of(), problems);
    }

    @Test
    void rebalance_evensOutEveryShard() {
        String[] owners = owners("40xs0", "20xs1", "4xs2");
        List<String> problems = new ArrayList<>();
        String[] after = apply(owners, MovePlanner.rebalance(owners, SHARDS, problems));
        assertEquals(List.of(), problems);
        for (String s : SHARDS) {
            assertEquals(16, count(after, s), s);
        }
    }

    @Test
    void moveRange_groupsBySourceAndRefusesBadInput() {
        String[] owners = owners("32xs0", "32xs1");
        List<String> problems = new ArrayList<>();
        List<MovePlanner.PlannedMove> moves = MovePlanner.moveRange(owners, 30, 33, "s2", SHARDS, problems);
        assertEquals(2, moves.size());
        assertEquals(List.of(), problems);

        MovePlanner.moveRange(owners, 60, 70, "s2", SHARDS, problems);
        MovePlanner.moveRange(owners, 0, 3, "s9", SHARDS, problems);
        MovePlanner.addShard(owners, "s0", SHARDS, problems);
        assertEquals(List.of("bucket range 60-70 is outside the map's buckets 0-63",
                "unknown shard 's9': the configured shards are [s0, s1, s2, s3]",
                "shard s0 already owns 32 buckets; use rebalance() or moveBuckets()"), problems);
    }
}
