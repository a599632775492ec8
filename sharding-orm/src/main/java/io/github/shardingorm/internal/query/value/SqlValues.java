package io.github.shardingorm.internal.query.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.UUID;

/**
 * Compares and computes with values the way PostgreSQL does, for the merge step: numbers of
 * different Java types compare by value, UUIDs as unsigned bytes, text by the shards' collation
 * (code point order for the C/POSIX collations, else the collation's order). Null handling is the
 * caller's (SQL three-valued logic after a grouped merge, NULLS FIRST/LAST in the sort keys).
 */
public final class SqlValues {

    private SqlValues() {
    }

    /** Compares two non-null values. @throws IllegalStateException when they are not comparable */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object a, Object b, Comparator<String> text) {
        if (a instanceof Number x && b instanceof Number y) {
            return compareNumbers(x, y);
        }
        if (a instanceof String x && b instanceof String y) {
            return text.compare(x, y);
        }
        if (a instanceof Character || b instanceof Character) {
            return text.compare(a.toString(), b.toString());
        }
        if (a instanceof UUID x && b instanceof UUID y) {
            int c = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
            return c != 0 ? c : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.compareUnsigned(x, y);
        }
        if (a instanceof Comparable ca && a.getClass().isInstance(b)) {
            return ca.compareTo(b);
        }
        if (b instanceof Comparable cb && b.getClass().isInstance(a)) {
            return -cb.compareTo(a);
        }
        throw new IllegalStateException("cannot compare a " + a.getClass().getName() + " with a " + b.getClass().getName());
    }

    public static int compareNumbers(Number x, Number y) {
        if (isIntegral(x) && isIntegral(y) && !(x instanceof BigInteger) && !(y instanceof BigInteger)) {
            return Long.compare(x.longValue(), y.longValue());
        }
        if (isFloating(x) || isFloating(y)) {
            // PostgreSQL compares a double precision with a numeric or an integer as double precision
            // (a merged AVG is a numeric: 116666666.666666666667 = 116666666.66666667::float8); NaN is the largest
            double dx = x.doubleValue();
            double dy = y.doubleValue();
            if (Double.isNaN(dx) || Double.isNaN(dy)) {
                return Double.compare(dx, dy);
            }
            return dx < dy ? -1 : dx > dy ? 1 : 0;
        }
        return decimal(x).compareTo(decimal(y));
    }

    public static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte || n instanceof BigInteger;
    }

    public static boolean isFloating(Number n) {
        return n instanceof Double || n instanceof Float;
    }

    public static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (isIntegral(n)) {
            return BigDecimal.valueOf(n.longValue());
        }
        return new BigDecimal(n.toString());
    }

    /** SQL equality of two non-null values (numbers by value). */
    public static boolean equal(Object a, Object b, Comparator<String> text) {
        if (a instanceof Number && b instanceof Number) {
            return compareNumbers((Number) a, (Number) b) == 0;
        }
        return a.equals(b);
    }

    /** Adds two non-null partial sums (a running SUM). */
    public static Object add(Object a, Object b) {
        return arithmetic('+', (Number) a, (Number) b);
    }

    /**
     * {@code + - * / %} on non-null numbers, typed like PostgreSQL/Hibernate: integral stays integral
     * (division truncates); decimals are exact, and divide as numerics ({@link PgNumeric#divide}).
     */
    public static Object arithmetic(char op, Number a, Number b) {
        if (isIntegral(a) && isIntegral(b)) {
            if (a instanceof BigInteger || b instanceof BigInteger) {
                BigInteger x = (BigInteger) (a instanceof BigInteger ? a : BigInteger.valueOf(a.longValue()));
                BigInteger y = (BigInteger) (b instanceof BigInteger ? b : BigInteger.valueOf(b.longValue()));
                return switch (op) {
                    case '+' -> x.add(y);
                    case '-' -> x.subtract(y);
                    case '*' -> x.multiply(y);
                    case '/' -> x.divide(nonZero(y));
                    default -> x.remainder(nonZero(y));
                };
            }
            long x = a.longValue();
            long y = b.longValue();
            Object r = switch (op) {
                case '+' -> Math.addExact(x, y);
                case '-' -> Math.subtractExact(x, y);
                case '*' -> Math.multiplyExact(x, y);
                case '/' -> x / nonZero(y);
                default -> x % nonZero(y);
            };
            return (a instanceof Long || b instanceof Long) ? r : (Object) Math.toIntExact((Long) r);
        }
        if (isFloating(a) || isFloating(b)) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            return switch (op) {
                case '+' -> x + y;
                case '-' -> x - y;
                case '*' -> x * y;
                case '/' -> x / nonZero(y);
                default -> x % y;
            };
        }
        BigDecimal x = decimal(a);
        BigDecimal y = decimal(b);
        return switch (op) {
            case '+' -> x.add(y);
            case '-' -> x.subtract(y);
            case '*' -> x.multiply(y);
            case '/' -> PgNumeric.divide(x, y); // numeric division: PostgreSQL's scale, not a fixed precision
            default -> x.remainder(nonZero(y));
        };
    }

    public static Object negate(Number n) {
        if (n instanceof Long l) {
            return Math.negateExact(l);
        }
        if (n instanceof Integer i) {
            return Math.negateExact(i);
        }
        if (n instanceof Double d) {
            return -d;
        }
        if (n instanceof Float f) {
            return -f;
        }
        if (n instanceof BigInteger b) {
            return b.negate();
        }
        return decimal(n).negate();
    }

    /**
     * A merged number in the Java type JPQL gives its column, as the JDBC driver reads a column of
     * that type: a numeric as the nearest double, a bigint as an Integer when it fits, a numeric
     * with a fraction as an integer truncated toward zero. Where the driver would fail (a value
     * out of the type's range), this fails too.
     *
     * @throws ArithmeticException when the value does not fit the type
     */
    public static Number convert(Number n, Class<?> type) {
        if (type.isInstance(n)) {
            return n;
        }
        if (type == Double.class || type == double.class) {
            return n.doubleValue();
        }
        if (type == Float.class || type == float.class) {
            return n.floatValue();
        }
        if (type == BigDecimal.class) {
            return isFloating(n) ? new BigDecimal(n.toString()) : decimal(n);
        }
        try {
            // the driver reads a numeric with a fraction as an integer truncated toward zero (sum(bigint) / 7 read as Long)
            if (type == Long.class || type == long.class) {
                return isIntegral(n) && !(n instanceof BigInteger) ? n.longValue() : truncated(n).longValueExact();
            }
            if (type == Integer.class || type == int.class) {
                return isIntegral(n) && !(n instanceof BigInteger) ? Math.toIntExact(n.longValue()) : truncated(n).intValueExact();
            }
            if (type == Short.class || type == short.class) {
                return truncated(n).shortValueExact();
            }
            if (type == BigInteger.class) {
                return truncated(n).toBigIntegerExact();
            }
        } catch (ArithmeticException e) {
            throw new ArithmeticException("the merged value " + n + " is not a " + type.getSimpleName() + " (its JPQL type)");
        }
        return n;
    }

    private static BigDecimal truncated(Number n) {
        if (isFloating(n) && !Double.isFinite(n.doubleValue())) {
            throw new ArithmeticException(n + " is not a finite number");
        }
        return (isFloating(n) ? new BigDecimal(n.toString()) : decimal(n)).setScale(0, java.math.RoundingMode.DOWN);
    }

    /** A number for messages, with its SQL type as PostgreSQL would name it. */
    public static String describe(Object v) {
        String type = v instanceof Integer || v instanceof Short || v instanceof Byte ? "integer" : v instanceof Long ? "bigint"
                : v instanceof Double || v instanceof Float ? "double precision" : v instanceof Number ? "numeric" : v.getClass().getSimpleName();
        return v + " (" + type + ")";
    }

    /** PostgreSQL's words for an arithmetic error on these operands ("integer out of range", "bigint out of range", "division by zero"). */
    public static String postgresqlMessage(ArithmeticException e, Object a, Object b) {
        if ("division by zero".equals(e.getMessage())) {
            return "division by zero";
        }
        boolean wide = a instanceof Long || b instanceof Long;
        return (wide ? "bigint" : "integer") + " out of range";
    }

    private static long nonZero(long y) {
        if (y == 0) {
            throw new ArithmeticException("division by zero");
        }
        return y;
    }

    private static double nonZero(double y) {
        if (y == 0) {
            throw new ArithmeticException("division by zero");
        }
        return y;
    }

    private static BigInteger nonZero(BigInteger y) {
        if (y.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        return y;
    }

    private static BigDecimal nonZero(BigDecimal y) {
        if (y.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        return y;
    }
}
