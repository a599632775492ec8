package io.github.shardingorm.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SagaArgumentsTest {

    @Test
    void acceptsEveryStorableTypeAndReadsItBack() {
        UUID id = UUID.randomUUID();
        Instant now = Instant.parse("2026-11-21T06:00:00.123456Z");
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("from", 7L);
        values.put("count", 3);
        values.put("name", "x");
        values.put("ok", true);
        values.put("id", id);
        values.put("at", now);
        values.put("amount", new BigDecimal("12.50"));
        SagaArguments args = SagaArguments.of(values);

        assertEquals(7L, args.getLong("from"));
        assertEquals(3L, args.getLong("count"));
        assertEquals(3, args.getInt("count"));
        assertEquals("x", args.getString("name"));
        assertTrue(args.getBoolean("ok"));
        assertEquals(id, args.getUuid("id"));
        assertEquals(now, args.getInstant("at"));
        assertEquals(new BigDecimal("12.50"), args.getBigDecimal("amount"));
        assertEquals(values.keySet(), args.names());
    }

    @Test
    void aValueThatCannotBeStoredIsRefusedNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SagaArguments.of(Map.of("user", new Object())));
        assertTrue(e.getMessage().contains("'user'") && e.getMessage().contains("java.lang.Object")
                && e.getMessage().contains("cannot be stored"), e.getMessage());
    }

    @Test
    void aNullValueIsRefusedNamingTheArgument() {
        Map<String, Object> values = new HashMap<>();
        values.put("to", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SagaArguments.of(values));
        assertTrue(e.getMessage().contains("'to' is null"), e.getMessage());
    }

    @Test
    void readingAMissingOrMistypedArgumentSaysWhich() {
        SagaArguments args = SagaArguments.of(Map.of("name", "x"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> args.getLong("from")).getMessage().contains("'from' is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> args.getLong("name")).getMessage().contains("not integral"));
    }
}
