package io.github.shardingorm.internal.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.shardingorm.saga.SagaArguments;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SagaArgumentCodecTest {

    @Test
    void everyStorableTypeRoundTripsExactly() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("s", "a&b=c%d\n ü \u2603 :");
        values.put("empty", "");
        values.put("j", Long.MIN_VALUE);
        values.put("i", 42);
        values.put("h", (short) -3);
        values.put("b", (byte) 7);
        values.put("z", false);
        values.put("d", 0.1 + 0.2);
        values.put("m", new BigDecimal("1.2300"));
        values.put("n", new BigInteger("123456789012345678901234567890"));
        values.put("u", UUID.randomUUID());
        values.put("t", Instant.parse("2026-01-02T03:04:05.123456789Z"));
        values.put("ld", LocalDate.of(2026, 11, 21));
        values.put("ldt", LocalDateTime.of(2026, 11, 21, 6, 30, 1, 5));
        values.put("name with = & spaces", 1L);

        SagaArguments back = SagaArgumentCodec.decode(SagaArgumentCodec.encode(SagaArguments.of(values).asMap()));

        assertEquals(values, back.asMap());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            assertEquals(e.getValue().getClass(), back.get(e.getKey()).getClass(), e.getKey());
        }
    }

    @Test
    void noArgumentsEncodeToEmptyText() {
        assertEquals("", SagaArgumentCodec.encode(Map.of()));
        assertEquals(Map.of(), SagaArgumentCodec.decode("").asMap());
    }
}
