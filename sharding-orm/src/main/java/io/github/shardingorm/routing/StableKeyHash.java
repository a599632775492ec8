package io.github.shardingorm.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * The stable hash of a shard key: xxHash64 with seed 0 over a fixed byte encoding of the key.
 *
 * <h2>Design note</h2>
 * Every row is stored on the shard that the hash of its key selects, so this function must give
 * the same answer in every JVM, on every platform, in every future release. It therefore never
 * uses {@link Object#hashCode()} or {@link String#hashCode()}, and it pins both the algorithm
 * (xxHash64, <a href="https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md">spec</a>)
 * and the canonical encoding of each normalized key type:
 * <ul>
 *   <li>{@link Long}: its 8 bytes in little-endian order (what {@code XXH64(&value, 8, 0)}
 *       computes for a {@code uint64_t} on x86);</li>
 *   <li>{@link String}: its UTF-8 bytes;</li>
 *   <li>{@link UUID}: its 16 bytes in RFC 4122 (big-endian) order: the most significant long,
 *       then the least significant long, each big-endian.</li>
 * </ul>
 * The result can be checked with the reference tool, e.g. {@code printf abc | xxhsum -H1}.
 * Changing any of this re-routes every stored row: the unit tests freeze the results.
 *
 * <p>{@code Long} and {@code UUID} keys are hashed without allocating; the whole call costs a
 * few nanoseconds.
 */
public final class StableKeyHash {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private StableKeyHash() {
    }

    /**
     * The routing hash of a normalized key.
     *
     * @param normalizedKey a {@link Long}, {@link String} or {@link UUID}; never null
     * @return xxHash64 (seed 0) of the key's canonical encoding (see the class comment)
     * @throws NullPointerException     when {@code normalizedKey} is null
     * @throws IllegalArgumentException when the key is of another type (keys must be normalized:
     *                                  integral types as {@code Long})
     */
    public static long hash64(Object normalizedKey) {
        Objects.requireNonNull(normalizedKey, "normalizedKey");
        if (normalizedKey instanceof Long l) {
            return hashLong(l);
        }
        if (normalizedKey instanceof String s) {
            return hashString(s);
        }
        if (normalizedKey instanceof UUID u) {
            return hashUuid(u);
        }
        throw new IllegalArgumentException("Cannot hash a key of type " + normalizedKey.getClass().getName()
                + " (value " + normalizedKey + "): keys must be normalized to Long, String or UUID");
    }

    /** xxHash64 (seed 0) of the 8 little-endian bytes of {@code value}; allocation-free. */
    public static long hashLong(long value) {
        long h = P5 + 8;
        h ^= round(0, value);
        h = Long.rotateLeft(h, 27) * P1 + P4;
        return avalanche(h);
    }

    /**
     * xxHash64 (seed 0) of the UTF-8 bytes of {@code value}.
     *
     * @throws NullPointerException when {@code value} is null
     */
    public static long hashString(String value) {
        int length = value.length();
        if (length < 32 && isAscii(value, length)) {
            return hashShortAscii(value, length);
        }
        return xxHash64(value.getBytes(StandardCharsets.UTF_8), 0);
    }

    private static boolean isAscii(String value, int length) {
        for (int i = 0; i < length; i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * xxHash64 (seed 0) of a short ASCII string's UTF-8 bytes (which are its chars), read straight
     * from the chars: the same value as {@code xxHash64(value.getBytes(UTF_8), 0)} without
     * allocating. Keys are mostly short identifiers, so this is the hot case.
     */
    private static long hashShortAscii(String value, int length) {
        long h = P5 + length;
        int offset = 0;
        while (offset + 8 <= length) {
            long lane = 0;
            for (int k = 7; k >= 0; k--) {
                lane = (lane << 8) | value.charAt(offset + k);
            }
            h ^= round(0, lane);
            h = Long.rotateLeft(h, 27) * P1 + P4;
            offset += 8;
        }
        if (offset + 4 <= length) {
            long lane = 0;
            for (int k = 3; k >= 0; k--) {
                lane = (lane << 8) | value.charAt(offset + k);
            }
            h ^= lane * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            offset += 4;
        }
        while (offset < length) {
            h ^= value.charAt(offset) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            offset++;
        }
        return avalanche(h);
    }

    /**
     * xxHash64 (seed 0) of the 16 RFC 4122 (big-endian) bytes of {@code value}; allocation-free.
     *
     * @throws NullPointerException when {@code value} is null
     */
    public static long hashUuid(UUID value) {
        long h = P5 + 16;
        // xxHash reads 8-byte lanes little-endian; the encoding is big-endian, hence the byte swap.
        h ^= round(0, Long.reverseBytes(value.getMostSignificantBits()));
        h = Long.rotateLeft(h, 27) * P1 + P4;
        h ^= round(0, Long.reverseBytes(value.getLeastSignificantBits()));
        h = Long.rotateLeft(h, 27) * P1 + P4;
        return avalanche(h);
    }

    /**
     * The bucket of a hash: {@code hash mod bucketCount}, with the hash read as unsigned.
     *
     * @param hash        any 64-bit hash
     * @param bucketCount the number of buckets, at least 1
     * @return a bucket in {@code [0, bucketCount)}
     * @throws IllegalArgumentException when {@code bucketCount < 1}
     */
    public static int bucketOf(long hash, int bucketCount) {
        if (bucketCount < 1) {
            throw new IllegalArgumentException("bucketCount must be >= 1 but was " + bucketCount);
        }
        return (int) Long.remainderUnsigned(hash, bucketCount);
    }

    /**
     * xxHash64 of a whole byte array.
     *
     * @param data the bytes; never null
     * @param seed the seed (routing uses 0)
     * @return the 64-bit hash, equal to the reference {@code XXH64(data, data.length, seed)}
     */
    public static long xxHash64(byte[] data, long seed) {
        int length = data.length;
        int offset = 0;
        long h;
        if (length >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = length - 32;
            do {
                v1 = round(v1, lane64(data, offset));
                v2 = round(v2, lane64(data, offset + 8));
                v3 = round(v3, lane64(data, offset + 16));
                v4 = round(v4, lane64(data, offset + 24));
                offset += 32;
            } while (offset <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = seed + P5;
        }
        h += length;
        while (offset + 8 <= length) {
            h ^= round(0, lane64(data, offset));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            offset += 8;
        }
        if (offset + 4 <= length) {
            h ^= (Integer.toUnsignedLong((int) INT_LE.get(data, offset))) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            offset += 4;
        }
        while (offset < length) {
            h ^= (data[offset] & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            offset++;
        }
        return avalanche(h);
    }

    private static long lane64(byte[] data, int offset) {
        return (long) LONG_LE.get(data, offset);
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long value) {
        acc ^= round(0, value);
        return acc * P1 + P4;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }
}
