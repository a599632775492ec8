package io.github.shardingorm.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fixed vectors for the routing hash.
 *
 * <p><b>These vectors must never change.</b> Every stored row sits on the shard its key hashes to;
 * a different hash, encoding or bucket formula re-routes every row of every user. Each expected
 * value was computed independently with the reference tool {@code xxhsum 0.8.1} (e.g.
 * {@code printf abc | xxhsum -H1}; Long keys as their 8 little-endian bytes, written with Python's
 * {@code struct.pack("<q", v)}; UUIDs as their 16 RFC 4122 bytes), not with this implementation.
 */
class StableKeyHashTest {

    /** 100 ASCII characters; its prefixes exercise every stripe and tail path of xxHash64. */
    private static final String TEXT =
            "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs! 0123456789+-*/";

    @Test
    void xxHash64_matchesTheWellKnownVectors() {
        assertEquals(0xEF46DB3751D8E999L, xxh64(""));
        assertEquals(0xD24EC4F1A98C6E5BL, xxh64("a"));
        assertEquals(0x44BC2CF5AD770999L, xxh64("abc"));
        assertEquals(0xFBCEA83C8A378BF1L, xxh64("Nobody inspects the spammish repetition"));
    }

    /** Lengths 0..100 around every boundary: 1-, 4- and 8-byte tails, 32-byte stripes. */
    @ParameterizedTest(name = "prefix of length {0}")
    @CsvSource({
            "0, ef46db3751d8e999", "1, 5b4d6af247a3cf7b", "2, 4d9dd5b2d0613c90", "3, 4108f90b5de14d15",
            "4, cdf13a49d263200f", "5, f0d7a3adcfa8c683", "7, c6fce9d72e310949", "8, d07b38a78a153b0b",
            "9, 9d1214db001dfc69", "11, 61cbdf23c67af875", "12, b2ed38017844f789", "15, 59bf1a33358c7d98",
            "16, 0f7e67014943a311", "17, 6bf87c8b1fd9ed1a", "20, 457cd2650fe6aa94", "24, e5bcc54f9811d5de",
            "31, 3f8d95ab32c127d9", "32, e2bbc9136629a4ee", "33, 6d92fe2ebab7db31", "35, 2d27cba0d24872de",
            "36, 9457ee2b0cace793", "40, 581a9e84f2ab44ef", "47, f3d4a31801f9a641", "48, d81596f1d46ef691",
            "63, 7c86024fd9456b33", "64, 4df821d0c8f2637d", "65, e3cf12a95c1bbdee", "71, 655f028efe6517c3",
            "96, 307485d121ce6fd7", "99, 371339e0c86e3547", "100, de05149340bd3d09",
    })
    void xxHash64_matchesXxhsumForEveryTailLength(int length, String expectedHex) {
        assertEquals(Long.parseUnsignedLong(expectedHex, 16), xxh64(TEXT.substring(0, length)));
    }

    /**
     * xxHash's own sanity table (cli/xsum_sanity_check.c): the first n bytes of its generated
     * buffer, seeds 0 and PRIME32_1; covers the seeded 32-byte stripe path.
     */
    @ParameterizedTest(name = "sanity buffer length {0}, seed {1}")
    @CsvSource({
            "0, 0, ef46db3751d8e999", "0, 2654435761, ac75fda2929b17ef",
            "1, 0, e934a84adb052768", "1, 2654435761, 5014607643a9b4c3",
            "4, 0, 9136a0dca57457ee",
            "14, 0, 8282dcc4994e35c8", "14, 2654435761, c3bd6bf63deb6df0",
            "222, 0, b641ae8cb691c174", "222, 2654435761, 20cb8ab7ae10c14a",
    })
    void xxHash64_matchesTheReferenceSanityTable(int length, long seed, String expectedHex) {
        byte[] buffer = new byte[length];
        long generator = 2654435761L;
        for (int i = 0; i < length; i++) {
            buffer[i] = (byte) (generator >>> 56);
            generator *= Long.parseUnsignedLong("11400714785074694797");
        }
        assertEquals(Long.parseUnsignedLong(expectedHex, 16), StableKeyHash.xxHash64(buffer, seed));
    }

    // Frozen: Long keys are hashed as their 8 little-endian bytes. NEVER CHANGE.
    @ParameterizedTest(name = "Long {0}")
    @CsvSource({
            "0, 34c96acdcadb1bbb, 3003",
            "1, 9f29cb17a2a49995, 2453",
            "42, b556806fb6d14353, 851",
            "-1, 85d136adb773c6c9, 1737",
            "9223372036854775807, ff70cc60366e770c, 1804",
            "-9223372036854775808, 3f425eacf01544e0, 1248",
    })
    void hash64_ofLongKeys_isFrozen(long key, String expectedHex, int bucketOf4096) {
        long expected = Long.parseUnsignedLong(expectedHex, 16);
        assertEquals(expected, StableKeyHash.hash64(key));
        assertEquals(expected, StableKeyHash.hashLong(key));
        assertEquals(expected, StableKeyHash.xxHash64(littleEndian(key), 0), "fast path equals the byte encoding");
        assertEquals(bucketOf4096, StableKeyHash.bucketOf(expected, 4096));
    }

    // Frozen: String keys are hashed as their UTF-8 bytes. NEVER CHANGE.
    @ParameterizedTest(name = "String {0}")
    @CsvSource({
            "user-123, dc9ac79afcf5aac9, 2761",
            "tenant:acme, 502666be2ef424d0, 1232",
            "'Grüße, 世界', 8da9997715a4ae3c, 3644",
            "'', ef46db3751d8e999, 2457",
    })
    void hash64_ofStringKeys_isFrozen(String key, String expectedHex, int bucketOf4096) {
        long expected = Long.parseUnsignedLong(expectedHex, 16);
        assertEquals(expected, StableKeyHash.hash64(key));
        assertEquals(bucketOf4096, StableKeyHash.bucketOf(expected, 4096));
    }

    // Frozen: UUID keys are hashed as their 16 big-endian (RFC 4122) bytes. NEVER CHANGE.
    @Test
    void hash64_ofUuidKeys_isFrozen() {
        UUID key = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertEquals(0x48FBA9D1F5D72644L, StableKeyHash.hash64(key));
        assertEquals(1604, StableKeyHash.bucketOf(StableKeyHash.hash64(key), 4096));
        assertEquals(0xAF09F71516247C32L, StableKeyHash.hash64(new UUID(0, 0)));
    }

    @Test
    void hashUuid_equalsTheHashOfItsSixteenBigEndianBytes() {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            UUID uuid = new UUID(random.nextLong(), random.nextLong());
            byte[] bytes = new byte[16];
            ByteBuffer.wrap(bytes).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            assertEquals(StableKeyHash.xxHash64(bytes, 0), StableKeyHash.hashUuid(uuid));
        }
    }

    @Test
    void hashLong_equalsTheHashOfItsEightLittleEndianBytes() {
        Random random = new Random(11);
        for (int i = 0; i < 1000; i++) {
            long key = random.nextLong();
            assertEquals(StableKeyHash.xxHash64(littleEndian(key), 0), StableKeyHash.hashLong(key));
        }
    }

    @Test
    void bucketOf_readsTheHashAsUnsigned() {
        // 0xFFFFFFFFFFFFFFFF = 18446744073709551615 = 1000 * 18446744073709551 + 615
        assertEquals(615, StableKeyHash.bucketOf(-1L, 1000));
        assertEquals(761, StableKeyHash.bucketOf(0x85D136ADB773C6C9L, 1000));
        assertEquals(0, StableKeyHash.bucketOf(Long.MIN_VALUE, 4096));
        assertEquals(0, StableKeyHash.bucketOf(-5L, 1));
    }

    @Test
    void bucketOf_staysInRangeForNegativeHashes() {
        Random random = new Random(3);
        for (int bucketCount : new int[] {1, 2, 7, 1000, 4096, 65_536}) {
            for (int i = 0; i < 10_000; i++) {
                long hash = random.nextLong() | Long.MIN_VALUE; // negative as signed
                int bucket = StableKeyHash.bucketOf(hash, bucketCount);
                assertTrue(bucket >= 0 && bucket < bucketCount, () -> bucket + " not in [0, " + bucketCount + ")");
            }
        }
    }

    @Test
    void bucketOf_rejectsNonPositiveBucketCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StableKeyHash.bucketOf(1, 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void hash64_rejectsKeysThatAreNotNormalized() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StableKeyHash.hash64(42));
        assertTrue(e.getMessage().contains("java.lang.Integer"), e.getMessage());
        assertThrows(NullPointerException.class, () -> StableKeyHash.hash64(null));
    }

    private static long xxh64(String text) {
        return StableKeyHash.xxHash64(text.getBytes(StandardCharsets.UTF_8), 0);
    }

    private static byte[] littleEndian(long value) {
        byte[] bytes = new byte[8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return bytes;
    }

    @org.junit.jupiter.api.Test
    void hashString_asciiFastPathEqualsTheUtf8BytesHash() {
        java.util.Random random = new java.util.Random(20261121);
        for (int length = 0; length <= 40; length++) {
            for (int trial = 0; trial < 50; trial++) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    sb.append((char) random.nextInt(0x80));
                }
                String s = sb.toString();
                org.junit.jupiter.api.Assertions.assertEquals(
                        StableKeyHash.xxHash64(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0),
                        StableKeyHash.hashString(s), "length " + length);
            }
        }
        for (String s : new String[] {"é", "user-é", "Grüße, 世界", "\u007f\u0080"}) {
            org.junit.jupiter.api.Assertions.assertEquals(
                    StableKeyHash.xxHash64(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0), StableKeyHash.hashString(s), s);
        }
    }
}
