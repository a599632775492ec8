package io.github.shardingorm.internal.routing;

import java.util.Objects;
import java.util.UUID;

/**
 * Brings configuration values (range bounds, directory entries) to the normalized key types that
 * resolvers receive: integral numbers as {@link Long}, {@link String} and {@link UUID}.
 */
public final class NormalizedKeys {

    private NormalizedKeys() {
    }

    /**
     * @param value a {@code Byte}, {@code Short}, {@code Integer}, {@code Long}, {@code String} or
     *              {@code UUID}; never null
     * @param what  what the value is, for the message (e.g. {@code "directory value"})
     * @return the value as {@code Long}, {@code String} or {@code UUID}
     * @throws IllegalArgumentException naming the value and its type when it is of another type
     */
    public static Object normalize(Object value, String what) {
        Objects.requireNonNull(value, what);
        if (value instanceof Long || value instanceof String || value instanceof UUID) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw new IllegalArgumentException(what + " " + value + " has unsupported type " + value.getClass().getName()
                + "; use an integral number (byte, short, int, long), a String or a UUID");
    }
}
