package io.github.shardingorm.internal.query.merge;

import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.value.SqlValues;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Turns a merged row (its first {@code visible} values) into the result type: the row itself for
 * {@code Object[]}, the single value, or an instance of the {@code select new} class or the result
 * type built by the constructor whose parameters accept the values. The columns of
 * {@link SelectShape.Projection#doubles} become Doubles first (merged AVGs are exact numerics), and
 * the numbers of a grouped query take the Java type JPQL gives their column
 * ({@link SelectShape.Projection#numbers}), as the JDBC driver reads a column by that type.
 */
public final class RowConverter {

    private RowConverter() {
    }

    public static <R> Function<Object[], R> of(Class<R> resultType, SelectShape.Projection projection) {
        Function<Object[], R> convert = converter(resultType, projection);
        Class<?>[] targets = new Class<?>[projection.visible()];
        boolean any = false;
        for (int c : projection.doubles()) {
            targets[c] = Double.class;
            any = true;
        }
        for (int c = 0; c < projection.numbers().size() && c < targets.length; c++) {
            Class<?> t = projection.numbers().get(c);
            if (t != Object.class && targets[c] == null) {
                targets[c] = t;
                any = true;
            }
        }
        if (!any) {
            return convert;
        }
        return row -> {
            Object[] out = row.clone(); // the merge may still compare this row (DISTINCT's tie group)
            for (int c = 0; c < targets.length; c++) {
                if (targets[c] != null && out[c] instanceof Number n) {
                    out[c] = SqlValues.convert(n, targets[c]);
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
