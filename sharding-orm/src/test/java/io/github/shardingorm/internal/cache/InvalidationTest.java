package io.github.shardingorm.internal.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InvalidationTest {

    @Test
    void idsOfEveryTextTypeTravelAndComeBackEqual() {
        UUID u = UUID.randomUUID();
        List<Invalidation> sent = List.of(new Invalidation(Invalidation.Kind.ENTITY, "a.B", 42L),
                new Invalidation(Invalidation.Kind.ENTITY, "a.B", 7), new Invalidation(Invalidation.Kind.ENTITY, "a.B", u),
                new Invalidation(Invalidation.Kind.COLLECTION, "a.B.items", "x y"),
                new Invalidation(Invalidation.Kind.INSERT, "a.B", null), new Invalidation(Invalidation.Kind.BUCKETS, "1,5", null));
        List<String> payloads = Invalidation.payloads("me", sent.stream().map(Invalidation::line).toList());
        assertEquals(1, payloads.size());
        assertEquals("me", Invalidation.sender(payloads.get(0)));
        assertEquals(sent, Invalidation.parse(payloads.get(0)));
    }

    @Test
    void anIdWithoutATextFormInvalidatesItsWholeRegion() {
        String line = new Invalidation(Invalidation.Kind.ENTITY, "a.B", new java.math.BigDecimal("1.5")).line();
        assertEquals(List.of(new Invalidation(Invalidation.Kind.REGION, "a.B", null)), Invalidation.parse("me\n" + line));
        line = new Invalidation(Invalidation.Kind.ENTITY, "a.B", "tab\there").line();
        assertEquals(Invalidation.Kind.REGION, Invalidation.parse("me\n" + line).get(0).kind());
    }

    @Test
    void manyLinesAreSplitIntoPayloadsUnderPostgresLimit() {
        List<String> lines = new ArrayList<>();
        for (long i = 0; i < 5000; i++) {
            lines.add(new Invalidation(Invalidation.Kind.ENTITY, "com.example.Account", i).line());
        }
        List<String> payloads = Invalidation.payloads("abcdefgh", lines);
        assertTrue(payloads.size() > 1);
        int total = 0;
        for (String p : payloads) {
            assertTrue(p.getBytes(StandardCharsets.UTF_8).length < 8000, "payload of " + p.length() + " bytes");
            assertEquals("abcdefgh", Invalidation.sender(p));
            total += Invalidation.parse(p).size();
        }
        assertEquals(5000, total);
    }

    @Test
    void anUnreadableLineFlushesTheShard() {
        assertEquals(List.of(new Invalidation(Invalidation.Kind.ALL, null, null)), Invalidation.parse("me\nZ\tq\t"));
        assertEquals(List.of(new Invalidation(Invalidation.Kind.ALL, null, null)), Invalidation.parse("me\nE\ta.B\tLnotanumber"));
    }
}
