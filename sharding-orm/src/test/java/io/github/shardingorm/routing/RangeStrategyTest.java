package io.github.shardingorm.routing;

import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import io.github.shardingorm.spi.ShardingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeStrategyTest {

    private static final ShardTopology CLUSTER = new ShardTopology(List.of("s0", "s1", "s2", "s3"), 4096);

    /** (-inf, 0)=s0, [0, 100)=s1, gap [100, 200), [200, 300)=s2, [300, +inf)=s3 (declared out of order). */
    private final ShardResolver numeric = bind(ShardingStrategies.range()
            .shard("s2", 200, 300L)
            .shard("s0", null, 0)
            .shard("s3", 300L, null)
            .shard("s1", 0, 100)
            .build());

    // ------------------------------------------------------------------ routing

    @ParameterizedTest(name = "key {0} -> {1}")
    @CsvSource({
            "-9223372036854775808, s0", "-1, s0",
            "0, s1", "1, s1", "99, s1",
            "100, ", "150, ", "199, ",
            "200, s2", "299, s2",
            "300, s3", "9223372036854775807, s3",
    })
    void shardOf_routesByInclusiveLowerAndExclusiveUpperBounds(long key, String expected) {
        assertEquals(expected, numeric.shardOf(key));
    }

    @Test
    void shardOf_returnsNullForAKeyInAGapOrBeyondTheLastBoundedRange() {
        ShardResolver bounded = bind(ShardingStrategies.range().shard("s0", 10, 20).build());
        assertNull(bounded.shardOf(9L));
        assertEquals("s0", bounded.shardOf(10L));
        assertNull(bounded.shardOf(20L));
    }

    @Test
    void shardOf_routesStringKeysInStringOrder() {
        ShardResolver alphabet = bind(ShardingStrategies.range()
                .shard("s0", null, "h")
                .shard("s1", "h", "p")
                .shard("s2", "p", null)
                .build());
        assertEquals("s0", alphabet.shardOf("alice"));
        assertEquals("s0", alphabet.shardOf(""));
        assertEquals("s1", alphabet.shardOf("h"));
        assertEquals("s1", alphabet.shardOf("oscar"));
        assertEquals("s2", alphabet.shardOf("p"));
        assertEquals("s2", alphabet.shardOf("zoe"));
        assertEquals("s0", alphabet.shardOf("Zoe"), "upper case sorts before lower case");
    }

    @Test
    void shardOf_rejectsAKeyOfTheWrongType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> numeric.shardOf("42"));
        assertEquals("range strategy routes Long keys but the key 42 is a String", e.getMessage());
    }

    @Test
    void aSingleUnboundedRangeOwnsEveryKey() {
        ShardResolver all = bind(ShardingStrategies.range().shard("s0", null, null).build());
        assertEquals("s0", all.shardOf(5L));
        assertEquals("s0", all.shardOf("x"));
        assertEquals(Set.of("s0"), all.shardsForRange(1L, true, 2L, false));
        assertEquals(Set.of(), all.shardsForRange(1L, true, 1L, false));
    }

    // ------------------------------------------------------------------ pruning

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "point in s1             | 50   | true  | 50   | true  | s1",
            "point in the gap        | 150  | true  | 150  | true  | ''",
            "point on a lower bound  | 200  | true  | 200  | true  | s2",
            "just below an upper     | 50   | true  | 100  | false | s1",
            "touching an upper       | 50   | true  | 200  | false | s1",
            "touching a lower, incl. | 50   | true  | 200  | true  | s1 s2",
            "exclusive lower at edge | 99   | false | 150  | true  | ''",
            "spanning several        | -5   | true  | 250  | true  | s0 s1 s2",
            "open lower              |      | true  | 0    | true  | s0 s1",
            "open lower, exclusive   |      | true  | 0    | false | s0",
            "open upper              | 250  | true  |      | true  | s2 s3",
            "fully open              |      | true  |      | true  | s0 s1 s2 s3",
            "empty: lower > upper    | 60   | true  | 50   | true  | ''",
            "empty: point excluded   | 50   | true  | 50   | false | ''",
            "empty: adjacent open    | 50   | false | 51   | false | ''",
            "smallest key excluded   |      | true  | -9223372036854775808 | false | ''",
            "largest key excluded    | 9223372036854775807 | false |  | true | ''",
    })
    void shardsForRange_returnsExactlyTheOverlappingShards(String description, Long lower, boolean lowerInclusive,
                                                          Long upper, boolean upperInclusive, String expected) {
        Set<String> shards = numeric.shardsForRange(lower, lowerInclusive, upper, upperInclusive);
        assertEquals(setOf(expected), shards, description);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "point                | m  | true  | m   | true  | s1",
            "touching upper excl. | a  | true  | h   | false | s0",
            "touching upper incl. | a  | true  | h   | true  | s0 s1",
            "successor excluded   | g  | false | h   | false | s0",
            "after 'h' exclusive  | h  | false | 'h\u0000' | false | ''",
            "everything above     | o  | false |     | true  | s1 s2",
            "empty string lower   | '' | true  | ''  | true  | s0",
    })
    void shardsForRange_prunesStringRangesExactly(String description, String lower, boolean lowerInclusive,
                                                 String upper, boolean upperInclusive, String expected) {
        ShardResolver alphabet = bind(ShardingStrategies.range()
                .shard("s0", null, "h")
                .shard("s1", "h", "p")
                .shard("s2", "p", null)
                .build());
        assertEquals(setOf(expected), alphabet.shardsForRange(lower, lowerInclusive, upper, upperInclusive), description);
    }

    @Test
    void shardsForRange_acceptsIntegerBoundsAndRejectsOtherTypes() {
        assertEquals(Set.of("s1"), numeric.shardsForRange(10, true, 20, true));
        assertThrows(IllegalArgumentException.class, () -> numeric.shardsForRange("a", true, "b", true));
    }

    @Test
    void shards_listsEveryShardOfTheTableInKeyOrder() {
        assertEquals(List.of("s0", "s1", "s2", "s3"), List.copyOf(numeric.shards()));
        assertEquals("range", numeric.name());
        assertEquals("range[(-inf, 0)=s0, [0, 100)=s1, [200, 300)=s2, [300, +inf)=s3]", numeric.toString());
    }

    // ------------------------------------------------------------------ configuration problems

    @Test
    void bind_reportsOverlappingRanges() {
        List<String> problems = bindProblems(ShardingStrategies.range()
                .shard("s0", 0, 100)
                .shard("s1", 50, 150)
                .shard("s2", null, 10)
                .build());
        assertEquals(List.of(
                "range strategy: ranges (-inf, 10)=s2 and [0, 100)=s0 overlap",
                "range strategy: ranges [0, 100)=s0 and [50, 150)=s1 overlap"), problems);
    }

    @Test
    void bind_reportsTwoOpenEndedRangesAsOverlapping() {
        List<String> problems = bindProblems(ShardingStrategies.range().shard("s0", 0, null).shard("s1", 10, null).build());
        assertEquals(List.of("range strategy: ranges [0, +inf)=s0 and [10, +inf)=s1 overlap"), problems);
    }

    @Test
    void bind_reportsUnknownShards() {
        List<String> problems = bindProblems(ShardingStrategies.range().shard("s0", 0, 10).shard("s9", 10, 20).build());
        assertEquals(List.of("range strategy: range [10, 20)=s9 names shard s9, which is not configured [s0, s1, s2, s3]"),
                problems);
    }

    @Test
    void bind_reportsMixedBoundTypes() {
        List<String> problems = bindProblems(ShardingStrategies.range().shard("s0", null, 10).shard("s1", "a", null).build());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("range strategy: bounds mix types [Long, String]"), problems.get(0));
    }

    @Test
    void bind_reportsAnEmptyTable() {
        assertEquals(1, bindProblems(ShardingStrategies.range().build()).size());
    }

    @Test
    void shard_rejectsBadBoundsAtOnce() {
        RangeStrategyBuilder builder = ShardingStrategies.range();
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> builder.shard("s0", 10, 10));
        assertEquals("Range [10, 10)=s0 of shard s0 is empty: the lower bound must be below the upper bound",
                empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.shard("s0", 20, 10));
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> builder.shard("s0", 1, "z"));
        assertTrue(mixed.getMessage().contains("mixes a Long and a String bound"), mixed.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> builder.shard("s0", 1.5, null));
        assertTrue(type.getMessage().contains("1.5") && type.getMessage().contains("java.lang.Double"), type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.shard("s0", null, Long.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> builder.shard("s0", null, ""));
        assertThrows(IllegalArgumentException.class, () -> builder.shard(null, 1, 2));
    }

    @Test
    void range_isNotBucketed() {
        assertFalse(numeric instanceof io.github.shardingorm.spi.BucketedShardResolver);
        assertInstanceOf(ShardingStrategy.class, ShardingStrategies.range().shard("s0", 0, 1).build());
    }

    private static ShardResolver bind(ShardingStrategy strategy) {
        List<String> problems = new ArrayList<>();
        ShardResolver resolver = strategy.bind(CLUSTER, problems);
        assertEquals(List.of(), problems);
        assertNotNull(resolver);
        return resolver;
    }

    private static List<String> bindProblems(ShardingStrategy strategy) {
        List<String> problems = new ArrayList<>();
        assertNull(strategy.bind(CLUSTER, problems));
        return problems;
    }

    private static Set<String> setOf(String spaceSeparated) {
        Set<String> set = new LinkedHashSet<>();
        for (String id : spaceSeparated.strip().split(" +")) {
            if (!id.isEmpty()) {
                set.add(id);
            }
        }
        return set;
    }
}
