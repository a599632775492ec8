package io.github.shardingorm.routing;

import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import io.github.shardingorm.spi.ShardingStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryStrategyTest {

    private static final ShardTopology CLUSTER = new ShardTopology(List.of("eu-1", "us-1", "ap-1"), 4096);
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    @Test
    void shardOf_routesStaticEntries() {
        ShardResolver resolver = bind(ShardingStrategies.directory()
                .map("EU", "eu-1")
                .map("US", "us-1")
                .map(7, "ap-1")
                .map(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), "eu-1")
                .build());
        assertEquals("eu-1", resolver.shardOf("EU"));
        assertEquals("us-1", resolver.shardOf("US"));
        assertEquals("ap-1", resolver.shardOf(7L), "an int entry matches the normalized Long key");
        assertEquals("eu-1", resolver.shardOf(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")));
        assertNull(resolver.shardOf("AF"), "no entry, no lookup, no default");
        assertEquals("directory", resolver.name());
        assertEquals(List.of("eu-1", "us-1", "ap-1"), List.copyOf(resolver.shards()));
    }

    @Test
    void shardOf_fallsBackToTheDefaultShard() {
        ShardResolver resolver = bind(ShardingStrategies.directory().map("EU", "eu-1").defaultShard("us-1").build());
        assertEquals("us-1", resolver.shardOf("AF"));
        assertEquals(List.of("eu-1", "us-1"), List.copyOf(resolver.shards()), "only reachable shards");
    }

    @Test
    void lookup_isCachedAndStaticEntriesWin() {
        AtomicInteger calls = new AtomicInteger();
        Map<Object, String> table = Map.of(1L, "eu-1", 2L, "ap-1", 3L, "us-1");
        Function<Object, String> lookup = value -> {
            calls.incrementAndGet();
            return table.get(value);
        };
        ShardResolver resolver = bind(ShardingStrategies.directory()
                .map(3, "eu-1")
                .lookup(lookup, 1000, TEN_MINUTES)
                .build());
        assertEquals("eu-1", resolver.shardOf(1L));
        assertEquals("eu-1", resolver.shardOf(1L));
        assertEquals("ap-1", resolver.shardOf(2L));
        assertEquals("ap-1", resolver.shardOf(2L));
        assertEquals(2, calls.get(), "each value looked up once");
        assertEquals("eu-1", resolver.shardOf(3L), "the static entry wins over the lookup");
        assertEquals(2, calls.get());
        assertEquals(Set.copyOf(CLUSTER.shardIds()), resolver.shards(), "a lookup may reach any shard");
    }

    @Test
    void lookup_nullResultFallsBackToTheDefaultAndIsNotCached() {
        AtomicInteger calls = new AtomicInteger();
        ShardResolver withDefault = bind(ShardingStrategies.directory()
                .lookup(value -> {
                    calls.incrementAndGet();
                    return null;
                }, 1000, TEN_MINUTES)
                .defaultShard("us-1")
                .build());
        assertEquals("us-1", withDefault.shardOf("unknown"));
        assertEquals("us-1", withDefault.shardOf("unknown"));
        assertEquals(2, calls.get(), "a miss is asked again, so a value added later is found at once");

        ShardResolver withoutDefault = bind(ShardingStrategies.directory().lookup(value -> null, 10, TEN_MINUTES).build());
        assertNull(withoutDefault.shardOf("unknown"));
    }

    @Test
    void lookup_returningAnUnknownShardFailsNamingTheValueAndTheShard() {
        ShardResolver resolver = bind(ShardingStrategies.directory().lookup(value -> "mars-1", 10, TEN_MINUTES).build());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.shardOf(42L));
        assertEquals("directory strategy: the lookup returned shard 'mars-1' for value 42, but that shard is not "
                + "configured [eu-1, us-1, ap-1]", e.getMessage());
    }

    @Test
    void lookup_exceptionsReachTheCaller() {
        ShardResolver resolver = bind(ShardingStrategies.directory().lookup(value -> {
            throw new IllegalStateException("directory table unavailable");
        }, 10, TEN_MINUTES).build());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> resolver.shardOf(1L));
        assertEquals("directory table unavailable", e.getMessage());
    }

    @Test
    void shardsForRange_prunesAPointToItsShard() {
        ShardResolver resolver = bind(ShardingStrategies.directory().map("EU", "eu-1").map("US", "us-1").build());
        assertEquals(Set.of("eu-1"), resolver.shardsForRange("EU", true, "EU", true));
        assertEquals(Set.of(), resolver.shardsForRange("AF", true, "AF", true));
        assertEquals(Set.of("eu-1", "us-1"), resolver.shardsForRange("A", true, "Z", true));
    }

    @Test
    void bind_reportsUnknownShardsAndANoOpTable() {
        List<String> problems = new ArrayList<>();
        assertNull(ShardingStrategies.directory().map("EU", "eu-9").map("FR", "eu-9").defaultShard("xx").build()
                .bind(CLUSTER, problems));
        assertEquals(List.of(
                "directory strategy: values [EU, FR] map to shard eu-9, which is not configured [eu-1, us-1, ap-1]",
                "directory strategy: default shard xx is not configured [eu-1, us-1, ap-1]"), problems);

        problems.clear();
        assertNull(ShardingStrategies.directory().build().bind(CLUSTER, problems));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("no entries, no default shard and no lookup"), problems.get(0));
    }

    @Test
    void builder_rejectsDuplicatesAndBadSettingsAtOnce() {
        DirectoryStrategyBuilder builder = ShardingStrategies.directory().map(5, "eu-1").defaultShard("us-1");
        IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class, () -> builder.map(5L, "us-1"));
        assertEquals("Directory value 5 is already mapped to shard eu-1; cannot map it to us-1", duplicate.getMessage());
        IllegalArgumentException secondDefault = assertThrows(IllegalArgumentException.class, () -> builder.defaultShard("eu-1"));
        assertEquals("Default shard was already set to us-1", secondDefault.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.map(1.5, "eu-1"));
        assertThrows(IllegalArgumentException.class, () -> builder.lookup(v -> null, -1, TEN_MINUTES));
        assertThrows(IllegalArgumentException.class, () -> builder.lookup(v -> null, 10, Duration.ZERO));
        builder.lookup(v -> null, 10, TEN_MINUTES);
        assertThrows(IllegalArgumentException.class, () -> builder.lookup(v -> null, 10, TEN_MINUTES));
    }

    private static ShardResolver bind(ShardingStrategy strategy) {
        List<String> problems = new ArrayList<>();
        ShardResolver resolver = strategy.bind(CLUSTER, problems);
        assertEquals(List.of(), problems);
        assertNotNull(resolver);
        return resolver;
    }
}
