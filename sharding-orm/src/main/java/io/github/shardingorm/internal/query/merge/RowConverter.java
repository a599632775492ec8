package io.github.shardingorm.internal.query.merge;

import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.query.plan.SelectShape;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a merged row (its first {@code visible} values) into the result type: the row itself for
 * {@code Object[]}, the single value, or an instance of the {@code select new} class or the result
 * type built by the constructor whose parameters accept the values. The columns of
 * {@link SelectShape.Projection#doubles} become Doubles first (merged AVGs are exact numerics).
 */
public final class RowConverter {

    private RowConverter() {
    }

    public static <R> Function<Object[], R> of(Class<R> resultType, SelectShape.Projection projection) {
        Function<Object[], R> convert = converter(resultType, projection);
        if (projection.doubles().isEmpty()) {
            return convert;
        }
        int[] doubles = projection.doubles().stream().mapToInt(Integer::intValue).toArray();
        return row -> {
            Object[] out = row.clone(); // the merge may still compare this row (DISTINCT's tie group)
            for (int c : doubles) {
                if (out[c] instanceof Number n && !(n instanceof Double)) {
                    out[c] = n.doubleValue(); // BigDecimal: the nearest double, as the JDBC driver reads a numeric
                }
            }
            return convert.apply(out);
        };
    }

    @SuppressWarnings("unchecked")
    private static <R> Function<Object[], R> converter(Class<R> resultType, SelectShape.Projection projection) {
        int visible = projection.visible();
        if (projection.instantiation() != null) {
            return (Function<Object[], R>) instantiate(projection.instantiation(), visible);
        }
        if (resultType == Object[].class) {
            return row -> (R) (row.length == visible ? row : Arrays.copyOf(row, visible));
        }
        if (visible == 1) {
            return row -> (R) row[0];
        }
        if (resultType == Object.class) {
            return row -> (R) Arrays.copyOf(row, visible);
        }
        return instantiate(resultType, visible);
    }

    private static <R> Function<Object[], R> instantiate(Class<R> type, int arity) {
        List<Constructor<?>> candidates = new ArrayList<>();
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (c.getParameterCount() == arity) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            throw new ShardingException("cannot build " + type.getName() + " from " + arity + " selected values: it has no constructor with "
                    + arity + " parameters (use Object[] as the result type)");
        }
        return row -> {
            Object[] args = Arrays.copyOf(row, arity);
            for (Constructor<?> c : candidates) {
                if (accepts(c.getParameterTypes(), args)) {
                    try {
                        c.setAccessible(true);
                        return type.cast(c.newInstance(args));
                    } catch (ReflectiveOperationException e) {
                        throw new ShardingException("cannot build " + type.getName() + " from " + Arrays.toString(args) + ": " + e, e);
                    }
                }
            }
            throw new ShardingException("no constructor of " + type.getName() + " accepts " + Arrays.toString(args));
        };
    }

    private static boolean accepts(Class<?>[] types, Object[] args) {
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i].isPrimitive() ? box(types[i]) : types[i];
            if (args[i] == null ? types[i].isPrimitive() : !t.isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(Class<?> p) {
        return p == int.class ? Integer.class : p == long.class ? Long.class : p == double.class ? Double.class
                : p == boolean.class ? Boolean.class : p == float.class ? Float.class : p == short.class ? Short.class
                : p == byte.class ? Byte.class : Character.class;
    }
}
