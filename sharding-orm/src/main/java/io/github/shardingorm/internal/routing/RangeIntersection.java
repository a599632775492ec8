package io.github.shardingorm.internal.routing;

/**
 * Whether a query range intersects a shard's half-open range {@code [lower, upper)}, exactly:
 * <ul>
 *   <li>{@link Long}: both ranges become closed integer intervals {@code [a, b]} (an exclusive
 *       bound moves by one), and they intersect when {@code max(a) <= min(b)};</li>
 *   <li>{@link String}: the successor of {@code s} is {@code s + '\0'}, so an exclusive lower bound
 *       becomes an inclusive one; upper bounds keep their inclusiveness, and the intersection is
 *       non-empty when its lower bound is below its upper bound (or equal and inclusive).</li>
 * </ul>
 */
final class RangeIntersection {

    private static final String SMALLEST_STRING = "";

    private RangeIntersection() {
    }

    /**
     * @param range a shard's range
     * @param lo    the query's lower bound, same type as the range's bounds, or null for unbounded
     * @param hi    the query's upper bound, same type, or null for unbounded
     */
    static boolean overlaps(ShardRange range, Object lo, boolean loInclusive, Object hi, boolean hiInclusive) {
        Object sample = lo != null ? lo : hi != null ? hi : range.lower() != null ? range.lower() : range.upper();
        if (sample instanceof String) {
            return overlapsString(range, (String) lo, loInclusive, (String) hi, hiInclusive);
        }
        // Long, or everything unbounded (then any non-empty long interval answers the same).
        return overlapsLong(range, (Long) lo, loInclusive, (Long) hi, hiInclusive);
    }

    private static boolean overlapsLong(ShardRange range, Long lo, boolean loInclusive, Long hi, boolean hiInclusive) {
        long a;
        if (lo == null) {
            a = Long.MIN_VALUE;
        } else if (loInclusive) {
            a = lo;
        } else if (lo == Long.MAX_VALUE) {
            return false;
        } else {
            a = lo + 1;
        }
        long b;
        if (hi == null) {
            b = Long.MAX_VALUE;
        } else if (hiInclusive) {
            b = hi;
        } else if (hi == Long.MIN_VALUE) {
            return false;
        } else {
            b = hi - 1;
        }
        long rangeA = range.lower() == null ? Long.MIN_VALUE : (Long) range.lower();
        // A shard range's exclusive upper bound is never Long.MIN_VALUE: such a range would be empty.
        long rangeB = range.upper() == null ? Long.MAX_VALUE : (Long) range.upper() - 1;
        return Math.max(a, rangeA) <= Math.min(b, rangeB);
    }

    private static boolean overlapsString(ShardRange range, String lo, boolean loInclusive, String hi, boolean hiInclusive) {
        String a = lo == null ? SMALLEST_STRING : loInclusive ? lo : lo + '\0';
        String rangeA = range.lower() == null ? SMALLEST_STRING : (String) range.lower();
        String start = a.compareTo(rangeA) >= 0 ? a : rangeA;

        String end;
        boolean endInclusive;
        String rangeUpper = (String) range.upper();
        if (hi == null) {
            end = rangeUpper;
            endInclusive = false;
        } else if (rangeUpper == null) {
            end = hi;
            endInclusive = hiInclusive;
        } else {
            int c = hi.compareTo(rangeUpper);
            end = c <= 0 ? hi : rangeUpper;
            endInclusive = c < 0 && hiInclusive; // on a tie the shard's exclusive bound wins
        }
        if (end == null) {
            return true;
        }
        int c = start.compareTo(end);
        return c < 0 || (c == 0 && endInclusive);
    }
}
