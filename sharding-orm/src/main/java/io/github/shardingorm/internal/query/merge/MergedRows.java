package io.github.shardingorm.internal.query.merge;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Lazy row pipelines of the merge: a k-way merge of per-shard ordered streams (holding one row
 * per shard), concatenation, DISTINCT, and offset/limit. Nothing here buffers more than one row per
 * source, except DISTINCT, which remembers the rows of the current tie group when the rows are
 * ordered (all duplicates are then within it) and every row otherwise.
 */
public final class MergedRows {

    private MergedRows() {
    }

    /** Merges sources that are each ordered by {@code order}; ties go to the lower source index (stable). */
    public static Iterator<Object[]> ordered(List<? extends Iterator<Object[]>> sources, Comparator<Object[]> order) {
        record Head(Object[] row, int source) {
        }
        PriorityQueue<Head> heap = new PriorityQueue<>(Math.max(1, sources.size()), (a, b) -> {
            int c = order.compare(a.row, b.row);
            return c != 0 ? c : Integer.compare(a.source, b.source);
        });
        return new Iterator<>() {
            private boolean primed;

            private void prime() {
                if (!primed) {
                    primed = true;
                    for (int i = 0; i < sources.size(); i++) {
                        if (sources.get(i).hasNext()) {
                            heap.add(new Head(sources.get(i).next(), i));
                        }
                    }
                }
            }

            @Override
            public boolean hasNext() {
                prime();
                return !heap.isEmpty();
            }

            @Override
            public Object[] next() {
                prime();
                Head head = heap.poll();
                if (head == null) {
                    throw new NoSuchElementException();
                }
                Iterator<Object[]> source = sources.get(head.source);
                if (source.hasNext()) {
                    heap.add(new Head(source.next(), head.source));
                }
                return head.row;
            }
        };
    }

    public static Iterator<Object[]> concat(List<? extends Iterator<Object[]>> sources) {
        return new Iterator<>() {
            private int index;

            @Override
            public boolean hasNext() {
                while (index < sources.size()) {
                    if (sources.get(index).hasNext()) {
                        return true;
                    }
                    index++;
                }
                return false;
            }

            @Override
            public Object[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return sources.get(index).next();
            }
        };
    }

    /**
     * Drops rows whose first {@code visible} values were seen before. With {@code tieOrder}, the
     * rows are ordered by it and the memory is reset at every new tie group.
     */
    public static Iterator<Object[]> distinct(Iterator<Object[]> rows, int visible, Comparator<Object[]> tieOrder, UnaryOperator<Object> identity) {
        return new Iterator<>() {
            private final Set<List<Object>> seen = new HashSet<>();
            private Object[] previous;
            private Object[] next;

            @Override
            public boolean hasNext() {
                while (next == null && rows.hasNext()) {
                    Object[] row = rows.next();
                    if (tieOrder != null && previous != null && tieOrder.compare(previous, row) != 0) {
                        seen.clear();
                    }
                    previous = row;
                    if (seen.add(key(row, visible, identity))) {
                        next = row;
                    }
                }
                return next != null;
            }

            @Override
            public Object[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object[] r = next;
                next = null;
                return r;
            }
        };
    }

    /** The identity of a row for DISTINCT and GROUP BY: numbers by value, entities by class and id. */
    public static List<Object> key(Object[] row, int columns, UnaryOperator<Object> identity) {
        List<Object> key = new ArrayList<>(columns);
        for (int i = 0; i < columns; i++) {
            Object v = row[i];
            if (v instanceof BigDecimal d) {
                v = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
            } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
                v = ((Number) v).longValue();
            } else if (v instanceof byte[] b) {
                v = new Bytes(b);
            } else if (v != null && identity != null) {
                v = identity.apply(v);
            }
            key.add(v);
        }
        return key;
    }

    private record Bytes(byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }
    }

    /** Skips {@code offset} rows and returns at most {@code limit} (negative: no limit). */
    public static <T> Iterator<T> window(Iterator<T> rows, long offset, long limit) {
        return new Iterator<>() {
            private long skipped;
            private long returned;

            @Override
            public boolean hasNext() {
                while (skipped < offset && rows.hasNext()) {
                    rows.next();
                    skipped++;
                }
                return (limit < 0 || returned < limit) && rows.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                returned++;
                return rows.next();
            }
        };
    }
}
