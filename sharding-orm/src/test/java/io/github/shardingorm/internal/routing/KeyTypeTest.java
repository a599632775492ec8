package io.github.shardingorm.internal.routing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class KeyTypeTest {

    @Test
    void of_mapsEveryIntegralTypeAndWrapperToIntegral() {
        for (Class<?> type : new Class<?>[] {long.class, Long.class, int.class, Integer.class, short.class, Short.class,
                byte.class, Byte.class}) {
            assertEquals(KeyType.INTEGRAL, KeyType.of(type), type::getName);
        }
    }

    @Test
    void of_mapsStringToTextAndUuidToUuid() {
        assertEquals(KeyType.TEXT, KeyType.of(String.class));
        assertEquals(KeyType.UUID, KeyType.of(UUID.class));
    }

    @Test
    void of_returnsNullForTypesThatCannotBeKeys() {
        for (Class<?> type : new Class<?>[] {BigDecimal.class, BigInteger.class, LocalDate.class, double.class, Double.class,
                float.class, char.class, Character.class, boolean.class, Boolean.class, Object.class, Number.class,
                AtomicLong.class, CharSequence.class, byte[].class}) {
            assertNull(KeyType.of(type), type::getName);
        }
    }

    @Test
    void normalize_turnsEveryIntegralValueIntoTheSameLong() {
        Object expected = 42L;
        assertEquals(expected, KeyType.INTEGRAL.normalize(42L));
        assertEquals(expected, KeyType.INTEGRAL.normalize(42));
        assertEquals(expected, KeyType.INTEGRAL.normalize((short) 42));
        assertEquals(expected, KeyType.INTEGRAL.normalize((byte) 42));
        assertEquals(Long.class, KeyType.INTEGRAL.normalize(42).getClass());
        assertEquals(Long.class, KeyType.INTEGRAL.normalize((byte) 42).getClass());
    }

    @Test
    void normalize_keepsNegativeAndExtremeValues() {
        assertEquals(-1L, KeyType.INTEGRAL.normalize(-1));
        assertEquals((long) Integer.MIN_VALUE, KeyType.INTEGRAL.normalize(Integer.MIN_VALUE));
        assertEquals((long) Byte.MIN_VALUE, KeyType.INTEGRAL.normalize(Byte.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, KeyType.INTEGRAL.normalize(Long.MAX_VALUE));
    }

    @Test
    void normalize_returnsTextAndUuidUnchanged() {
        String text = "acme";
        UUID uuid = UUID.randomUUID();
        assertSame(text, KeyType.TEXT.normalize(text));
        assertSame(uuid, KeyType.UUID.normalize(uuid));
    }

    @Test
    void normalize_returnsNullForValuesOfAnotherType() {
        assertNull(KeyType.INTEGRAL.normalize("42"));
        assertNull(KeyType.INTEGRAL.normalize(42.0));
        assertNull(KeyType.INTEGRAL.normalize(BigInteger.valueOf(42)));
        assertNull(KeyType.INTEGRAL.normalize(new AtomicLong(42)));
        assertNull(KeyType.INTEGRAL.normalize(UUID.randomUUID()));
        assertNull(KeyType.TEXT.normalize(42L));
        assertNull(KeyType.TEXT.normalize(UUID.randomUUID()));
        assertNull(KeyType.UUID.normalize("6b1c4c1e-0d5b-4bb3-9d5f-5a0d1c1e0d5b"));
        assertNull(KeyType.UUID.normalize(42L));
        assertNull(KeyType.INTEGRAL.normalize(null));
        assertNull(KeyType.TEXT.normalize(null));
        assertNull(KeyType.UUID.normalize(null));
    }

    @Test
    void ofValue_classifiesValuesAndRejectsNullAndOthers() {
        assertEquals(KeyType.INTEGRAL, KeyType.ofValue(7));
        assertEquals(KeyType.INTEGRAL, KeyType.ofValue((short) 7));
        assertEquals(KeyType.TEXT, KeyType.ofValue("x"));
        assertEquals(KeyType.UUID, KeyType.ofValue(UUID.randomUUID()));
        assertNull(KeyType.ofValue(null));
        assertNull(KeyType.ofValue(3.5));
        assertNull(KeyType.ofValue(LocalDate.of(2026, 1, 1)));
    }

    @Test
    void normalizedClass_isLongStringOrUuid() {
        assertEquals(Long.class, KeyType.INTEGRAL.normalizedClass());
        assertEquals(String.class, KeyType.TEXT.normalizedClass());
        assertEquals(UUID.class, KeyType.UUID.normalizedClass());
    }
}
