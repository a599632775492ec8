package io.github.shardingorm.internal.routing;

import java.util.Objects;

/**
 * Brings configuration values (range bounds, directory entries) to the normalized key types that
 * resolvers receive, by the same rule as entity keys ({@link KeyType}): integral numbers as
 * {@link Long}, {@link String} and {@link java.util.UUID}.
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
        KeyType type = KeyType.ofValue(value);
        if (type == null) {
            throw new IllegalArgumentException(what + " " + value + " has unsupported type " + value.getClass().getName()
                    + "; use an integral number (byte, short, int, long), a String or a UUID");
        }
        return type.normalize(value);
    }
}
