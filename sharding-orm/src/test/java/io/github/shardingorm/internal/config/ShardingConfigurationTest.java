package io.github.shardingorm.internal.config;

import io.github.shardingorm.SchemaAction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShardingConfigurationTest {

    private static ShardingConfiguration configuration(Map<String, Integer> poolSizes, int maximumPoolSize, Integer minimumIdle) {
        List<ShardDefinition> shards = List.of(new ShardDefinition("s0", "jdbc:x://a", null, null),
                new ShardDefinition("s1", "jdbc:x://b", null, null));
        return new ShardingConfiguration(shards, poolSizes, java.util.Map.of(), List.of(Object.class), null, 4096, SchemaAction.NONE, 2000,
                maximumPoolSize, minimumIdle, 0, 50, Map.of());
    }

    @Test
    void shardIds_keepDeclarationOrder() {
        assertEquals(List.of("s0", "s1"), configuration(Map.of(), 10, null).shardIds());
    }

    @Test
    void maximumPoolSize_perShardOverridesTheDefault() {
        ShardingConfiguration c = configuration(Map.of("s1", 3), 10, null);
        assertEquals(10, c.maximumPoolSize("s0"));
        assertEquals(3, c.maximumPoolSize("s1"));
    }

    @Test
    void minimumIdle_defaultsToTheMaximum_andNeverExceedsIt() {
        ShardingConfiguration fixed = configuration(Map.of("s1", 3), 10, null);
        assertEquals(10, fixed.minimumIdle("s0"));
        assertEquals(3, fixed.minimumIdle("s1"));
        ShardingConfiguration explicit = configuration(Map.of("s1", 3), 10, 5);
        assertEquals(5, explicit.minimumIdle("s0"));
        assertEquals(3, explicit.minimumIdle("s1"));
    }

    @Test
    void collections_areCopiedAndImmutable() {
        Map<String, Integer> sizes = new HashMap<>(Map.of("s0", 4));
        ShardingConfiguration c = configuration(sizes, 10, null);
        sizes.put("s0", 99);
        assertEquals(4, c.maximumPoolSize("s0"));
        assertThrows(UnsupportedOperationException.class, () -> c.shards().add(null));
        assertThrows(UnsupportedOperationException.class, () -> c.entities().add(String.class));
        assertThrows(UnsupportedOperationException.class, () -> c.hibernateProperties().put("x", "y"));
        new ArrayList<>(c.shards());
    }
}
