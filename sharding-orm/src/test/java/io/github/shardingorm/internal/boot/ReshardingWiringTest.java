package io.github.shardingorm.internal.boot;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import io.github.shardingorm.internal.hibernate.FenceStatementInspector;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.Topology;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** When the fence's statement checks are warmed up: at the first version with a bucket moving, once. */
class ReshardingWiringTest {

    private static Topology topology(long version, TreeMap<Integer, BucketState> moving) {
        ShardMap map = ShardMap.builder(8).version(version).assign(0, 3, "s0").assign(4, 7, "s1").build();
        return new Topology("c", version, map, moving, List.of(), true);
    }

    @Test
    void theFirstVersionWithAMovingBucketWarmsTheFenceChecksUpOnceAndNoOtherVersionDoes() {
        FenceStatementInspector fence = mock(FenceStatementInspector.class);
        Consumer<Topology> listener = ReshardingWiring.warmUpWhenAMoveBegins(fence);
        listener.accept(topology(2, new TreeMap<>()));
        verify(fence, times(0)).warmUp();
        TreeMap<Integer, BucketState> moving = new TreeMap<>();
        moving.put(3, BucketState.of(BucketState.Phase.MOVING, "s0", "s1"));
        listener.accept(topology(3, moving));
        verify(fence, times(1)).warmUp();
        TreeMap<Integer, BucketState> fenced = new TreeMap<>();
        fenced.put(3, BucketState.of(BucketState.Phase.FENCED, "s0", "s1"));
        listener.accept(topology(4, fenced));
        listener.accept(topology(5, new TreeMap<>()));
        listener.accept(topology(6, moving));
        verify(fence, times(1)).warmUp();
    }
}
