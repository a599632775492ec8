package io.github.shardingorm.internal.routing;

import java.util.UUID;

/**
 * The three shapes a shard key takes after normalization. All integral Java types route as one
 * 64-bit integer so that a child holding its parent's key in a narrower type still co-locates.
 */
public enum KeyType {
    INTEGRAL(Long.class),
    TEXT(String.class),
    UUID(java.util.UUID.class);

    private final Class<?> normalizedClass;

    KeyType(Class<?> normalizedClass) {
        this.normalizedClass = normalizedClass;
    }

    public Class<?> normalizedClass() {
        return normalizedClass;
    }

    /** The key type of a Java attribute type, or null when the type cannot be a shard key. */
    public static KeyType of(Class<?> javaType) {
        if (javaType == long.class || javaType == Long.class || javaType == int.class || javaType == Integer.class
                || javaType == short.class || javaType == Short.class || javaType == byte.class || javaType == Byte.class) {
            return INTEGRAL;
        }
        if (javaType == String.class) {
            return TEXT;
        }
        if (javaType == java.util.UUID.class) {
            return UUID;
        }
        return null;
    }

    /** The key type of a value, or null when the value cannot be a key. */
    public static KeyType ofValue(Object value) {
        return value == null ? null : of(value.getClass());
    }

    /**
     * Normalizes a value of this key type: integral values become {@link Long}.
     *
     * @return the normalized value, or null when {@code value} is not of this type
     */
    public Object normalize(Object value) {
        switch (this) {
            case INTEGRAL:
                if (value instanceof Long) {
                    return value;
                }
                if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).longValue();
                }
                return null;
            case TEXT:
                return value instanceof String ? value : null;
            default:
                return value instanceof UUID ? value : null;
        }
    }
}
