package io.github.shardingorm.internal.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.resharding.ReshardingRefusedException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BucketMoveCheckTest {

    private static final ShardDefinition S0 = new ShardDefinition("s0", "jdbc:postgresql://127.0.0.1:1/none", "u", "secret-pw");
    private static final ShardDefinition S1 = new ShardDefinition("s1", "jdbc:postgresql://127.0.0.1:1/other", "u", "secret-pw");

    private static InMemoryMoveTopology topology() {
        return new InMemoryMoveTopology("s0", "s0", "s1", "s1");
    }

    @Test
    void check_listsEveryProblemBeforeAnythingIsCreated() {
        InMemoryMoveTopology topology = topology();
        topology.beginMove(Set.of(1), "s0", "s1");
        BucketMove move = new BucketMove(new BucketMove.Spec("Bad-Id", S0, S1, new BucketSet(4, List.of(1, 2)),
                List.of(new MovedTable("users", "id"))), topology, MoveOptions.DEFAULTS, null);

        List<String> problems = move.check();

        assertTrue(problems.stream().anyMatch(p -> p.contains("move id 'Bad-Id'")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("buckets 2 are not owned by the source s0")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("buckets 1 are already moving")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("source shard s0 (jdbc:postgresql://127.0.0.1:1/none) cannot be used")),
                problems::toString);
        assertTrue(problems.stream().noneMatch(p -> p.contains("secret-pw")), "no password in a message");
    }

    @Test
    void run_refusesWithTheListAndTouchesNothing() {
        InMemoryMoveTopology topology = topology();
        BucketMove move = new BucketMove(new BucketMove.Spec("m1", S0, S0, new BucketSet(4, List.of(0)),
                List.of(new MovedTable("users", "id"))), topology, MoveOptions.DEFAULTS, null);

        var e = assertThrows(io.github.shardingorm.resharding.ReshardingException.class, move::run);

        assertTrue(e.getMessage().contains("s0"), e.getMessage());
        assertEquals(false, topology.isMoving(0));
    }

    @Test
    void check_refusesSameShardAndAMapOfAnotherSize() {
        BucketMove move = new BucketMove(new BucketMove.Spec("m1", S0, S0, new BucketSet(8, List.of(0)),
                List.of()), topology(), MoveOptions.DEFAULTS, null);

        List<String> problems = move.check();

        assertTrue(problems.contains("source and target are the same shard s0"), problems::toString);
        assertTrue(problems.contains("no tables to move"), problems::toString);
        assertTrue(problems.contains("the move has 8 buckets but the map has 4"), problems::toString);
    }

    @Test
    void refusedException_listsProblemsOnePerLine() {
        ReshardingRefusedException e = new ReshardingRefusedException("move m1", List.of("a", "b"));
        assertEquals("move m1 refused to start, 2 problems:\n  - a\n  - b", e.getMessage());
    }
}
