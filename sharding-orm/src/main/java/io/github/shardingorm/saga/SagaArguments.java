package io.github.shardingorm.saga;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The arguments of one saga: named simple values that are stored in the saga log, so that
 * recovery can run the saga's steps and compensations after a restart. Immutable.
 */
public final class SagaArguments {

    /** The value types an argument may have. */
    public static final List<Class<?>> STORABLE_TYPES = List.of(String.class, Long.class, Integer.class, Short.class,
            Byte.class, Boolean.class, Double.class, BigDecimal.class, BigInteger.class, UUID.class, Instant.class,
            LocalDate.class, LocalDateTime.class);

    private final Map<String, Object> values;

    private SagaArguments(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Checks and copies {@code arguments}.
     *
     * @throws IllegalArgumentException naming the first argument whose name is null or empty, whose
     *                                  value is null, or whose type is not one of {@link #STORABLE_TYPES}
     */
    public static SagaArguments of(Map<String, ?> arguments) {
        Objects.requireNonNull(arguments, "saga arguments");
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : arguments.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a saga argument has a null or empty name");
            }
            Object value = e.getValue();
            if (value == null) {
                throw new IllegalArgumentException("saga argument '" + name + "' is null; leave it out instead");
            }
            if (!STORABLE_TYPES.contains(value.getClass())) {
                throw new IllegalArgumentException("saga argument '" + name + "' has type " + value.getClass().getName()
                        + ", which cannot be stored in the saga log; pass one of " + simpleNames()
                        + " (e.g. the entity's id instead of the entity)");
            }
            copy.put(name, value);
        }
        return new SagaArguments(copy);
    }

    /** The argument names, in the order given. */
    public Set<String> names() {
        return values.keySet();
    }

    /** Every argument; unmodifiable. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** The value, or null when absent. */
    public Object get(String name) {
        return values.get(name);
    }

    /**
     * The value as {@code type}.
     *
     * @throws IllegalArgumentException when absent or of another type
     */
    public <T> T get(String name, Class<T> type) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("saga argument '" + name + "' is missing (arguments: " + values.keySet() + ")");
        }
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("saga argument '" + name + "' is a " + value.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return type.cast(value);
    }

    /** The value as a long (any integral argument). */
    public long getLong(String name) {
        Object value = get(name, Object.class);
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw new IllegalArgumentException("saga argument '" + name + "' is a " + value.getClass().getSimpleName() + ", not integral");
    }

    public int getInt(String name) {
        return Math.toIntExact(getLong(name));
    }

    public String getString(String name) {
        return get(name, String.class);
    }

    public boolean getBoolean(String name) {
        return get(name, Boolean.class);
    }

    public UUID getUuid(String name) {
        return get(name, UUID.class);
    }

    public Instant getInstant(String name) {
        return get(name, Instant.class);
    }

    public BigDecimal getBigDecimal(String name) {
        return get(name, BigDecimal.class);
    }

    private static String simpleNames() {
        return STORABLE_TYPES.stream().map(Class::getSimpleName).toList().toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SagaArguments other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
