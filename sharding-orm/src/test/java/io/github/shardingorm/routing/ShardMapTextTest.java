package io.github.shardingorm.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardMapTextTest {

    @Test
    void toText_writesVersionBucketsAndOneRangePerLine() {
        ShardMap map = ShardMap.uniform(4096, List.of("s0", "s1")).reassign(0, 9, "s2");
        assertEquals("""
                version=2
                buckets=4096
                0-9=s2
                10-2047=s0
                2048-4095=s1
                """, map.toText());
    }

    @Test
    void parse_readsWhatToTextWrote() {
        for (ShardMap map : List.of(
                ShardMap.uniform(4096, List.of("s0", "s1", "s2")),
                ShardMap.weighted(1000, Map.of("eu-west", 3, "us-east", 5)),
                ShardMap.consistentHash(4096, List.of("a", "b", "c", "d"), 64),
                ShardMap.uniform(1, List.of("only")),
                ShardMap.uniform(16, List.of("s=1", "s#2")).reassign(3, 5, "shard with spaces"))) {
            assertEquals(map, ShardMap.parse(map.toText()), map::toText);
            assertEquals(map.toText(), ShardMap.parse(map.toText()).toText());
        }
    }

    @Test
    void parse_ignoresCommentsBlankLinesSpacesAndCarriageReturns() {
        ShardMap map = ShardMap.parse("# stored 2024-06-01\r\n\r\nversion = 5\r\nbuckets=8\r\n 0-3 = s0 \r\n4-7=s1\r\n");
        assertEquals(ShardMap.builder(8).version(5).assign(0, 3, "s0").assign(4, 7, "s1").build(), map);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
            "version=1\\nbuckets=8\\n0-3=s0\\n4-x=s1 | line 4 '4-x=s1': range end 'x' is not a number",
            "version=1\\nbuckets=8\\n0-3=s0\\nfour=s1 | line 4 'four=s1': expected '<from>-<to>=<shard>'",
            "version=1\\nbuckets=8\\n0-3=s0\\n4-7 | line 4 '4-7': expected",
            "version=1\\n0-3=s0 | line 2 '0-3=s0': 'version' and 'buckets' must come before the first range",
            "buckets=8\\nversion=1 | line 1 'buckets=8': 'buckets' must appear once, after 'version'",
            "version=zero\\nbuckets=8 | line 1 'version=zero': version 'zero' is not a number",
            "version=0\\nbuckets=8 | line 2 'buckets=8': Shard map version must be >= 1 but was 0",
            "version=1\\nbuckets=0 | line 2 'buckets=0': Bucket count must be between 1 and 65536 but was 0",
            "version=1\\nbuckets=8\\n0-8=s0 | line 3 '0-8=s0': Bucket range 0-8 for shard s0 must satisfy",
            "version=1\\nbuckets=8\\n0-3=s0\\n2-7=s1 | overlaps",
            "version=1\\nbuckets=8\\n0-3=s0 | buckets 4-7 are not assigned",
            "version=1 | no 'buckets' line",
            "'' | no 'version' line",
    })
    void parse_namesTheLineOfEveryError(String escapedText, String expectedFragment) {
        String text = escapedText.replace("\\n", "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardMap.parse(text));
        assertTrue(e.getMessage().contains(expectedFragment.strip()),
                () -> "expected '" + expectedFragment.strip() + "' in: " + e.getMessage());
    }
}
