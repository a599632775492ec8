package io.github.shardingorm.internal.query.merge;

import io.github.shardingorm.internal.query.plan.SortKey;
import io.github.shardingorm.internal.query.value.SqlValues;
import java.util.Comparator;
import java.util.List;

/** Orders merged rows by sort keys as PostgreSQL does: values by {@link SqlValues}, nulls where the key puts them. */
public final class RowOrder {

    private RowOrder() {
    }

    /** The comparator of rows by these keys. */
    public static Comparator<Object[]> of(List<SortKey> keys, Comparator<String> text) {
        SortKey[] k = keys.toArray(SortKey[]::new);
        return (a, b) -> {
            for (SortKey key : k) {
                int c = compare(key, a[key.column()], b[key.column()], text);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    /** Compares two values of one key (either may be null). */
    public static int compare(SortKey key, Object x, Object y, Comparator<String> text) {
        if (x == null || y == null) {
            if (x == y) {
                return 0;
            }
            return (x == null) == key.nullsFirst() ? -1 : 1;
        }
        int c = SqlValues.compare(x, y, text);
        return key.descending() ? -c : c;
    }
}
