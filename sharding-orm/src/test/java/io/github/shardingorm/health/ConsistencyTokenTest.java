package io.github.shardingorm.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsistencyTokenTest {

    @Test
    void stringForm_roundTrips() {
        ConsistencyToken t = ConsistencyToken.of(Map.of("s1", 0x3000060L, "s0", 0x16B374D8L));
        assertEquals("s0=16B374D8,s1=3000060", t.toString());
        assertEquals(t, ConsistencyToken.parse(t.toString()));
        assertSame(ConsistencyToken.NONE, ConsistencyToken.parse(""));
        assertEquals(0, t.position("s9"));
    }

    @Test
    void merge_keepsTheLaterPositionPerShard() {
        ConsistencyToken a = ConsistencyToken.parse("s0=10,s1=5");
        ConsistencyToken b = ConsistencyToken.parse("s1=7,s2=1");
        assertEquals(ConsistencyToken.parse("s0=10,s1=7,s2=1"), a.merge(b));
        assertSame(a, a.with("s0", 3));
        assertEquals(0x20, a.with("s0", 0x20).position("s0"));
    }

    @Test
    void parse_namesTheMalformedPart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConsistencyToken.parse("s0=10,s1"));
        assertTrue(e.getMessage().contains("'s1'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConsistencyToken.parse("s0=xyz"));
        assertTrue(e.getMessage().contains("'xyz'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConsistencyToken.parse("a b=1"));
    }
}
