package io.github.shardingorm.query;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The answer's collections are the caller's snapshot: unmodifiable, in shard order, whatever their size. */
class ShardedResultTest {

    @Test
    void oneShardAnswerIsAnUnmodifiableSnapshot() {
        Set<String> shards = new LinkedHashSet<>(List.of("s2"));
        Map<String, Throwable> missing = new HashMap<>();
        ShardedResult<String> r = new ShardedResult<>(new ArrayList<>(List.of("a")), shards, missing);
        shards.add("s3");
        missing.put("s3", new IllegalStateException("late"));
        assertEquals(Set.of("s2"), r.queriedShards());
        assertTrue(r.missingShards().isEmpty());
        assertFalse(r.isPartial());
        assertFalse(r.queriedShards().contains(null));
        assertThrows(UnsupportedOperationException.class, () -> r.queriedShards().add("s9"));
        assertThrows(UnsupportedOperationException.class, () -> r.missingShards().put("s9", new RuntimeException()));
        assertThrows(UnsupportedOperationException.class, () -> r.rows().add("b"));
    }

    @Test
    void severalShardsKeepTheirOrderAndTheFailures() {
        Set<String> shards = new LinkedHashSet<>(List.of("s3", "s0", "s2"));
        IllegalStateException down = new IllegalStateException("down");
        ShardedResult<String> r = new ShardedResult<>(List.of(), shards, Map.of("s0", down));
        shards.clear();
        assertEquals(List.of("s3", "s0", "s2"), new ArrayList<>(r.queriedShards()));
        assertEquals(Map.of("s0", down), r.missingShards());
        assertTrue(r.isPartial());
        assertThrows(UnsupportedOperationException.class, () -> r.queriedShards().remove("s3"));
    }
}
