package io.github.shardingorm.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TopologyTextTest {

    @Test
    void movingBucketsArePrintedAsRunsOfOneState() {
        ShardMap map = ShardMap.builder(64).version(3).assign(0, 31, "s0").assign(32, 63, "s1").build();
        TreeMap<Integer, BucketState> moving = new TreeMap<>();
        for (int b = 21; b <= 31; b++) {
            moving.put(b, new BucketState(BucketState.Phase.FENCED, "s0", "s2"));
        }
        moving.put(33, new BucketState(BucketState.Phase.MOVING, "s1", "s2"));
        moving.put(34, new BucketState(BucketState.Phase.MOVING, "s1", "s2"));
        moving.put(36, new BucketState(BucketState.Phase.MOVING, "s1", "s2"));
        moving.put(37, new BucketState(BucketState.Phase.MOVING, "s1", "s0"));

        String text = new Topology("c", 3, map, moving, List.of(), true).toString();

        assertTrue(text.contains("moving={21-31=FENCED(s0->s2), 33-34=MOVING(s1->s2), 36=MOVING(s1->s2), 37=MOVING(s1->s0)}"), text);
    }

    @Test
    void aMoveOfAThousandBucketsIsOneRun() {
        ShardMap map = ShardMap.builder(4096).version(2).assign(0, 4095, "s0").build();
        TreeMap<Integer, BucketState> moving = new TreeMap<>();
        for (int b = 1000; b < 2000; b++) {
            moving.put(b, new BucketState(BucketState.Phase.MOVING, "s0", "s1"));
        }

        String text = new Topology("c", 2, map, moving, List.of(), true).toString();

        assertTrue(text.contains("moving={1000-1999=MOVING(s0->s1)}"), text);
        assertTrue(text.length() < 300, text.length() + " chars");
        assertEquals("{}", new Topology("c", 2, map, new TreeMap<>(), List.of(), true).toString().replaceAll(".*moving=(\\{[^}]*}).*", "$1"));
    }
}
