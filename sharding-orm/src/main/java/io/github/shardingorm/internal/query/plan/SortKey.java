package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.SqlValues;
import java.util.Comparator;
import java.util.List;

/**
 * One ORDER BY item of a merged row: the column it reads, its direction, and where nulls go
 * (explicit NULLS FIRST/LAST, else PostgreSQL's default: last for ASC, first for DESC).
 */
public record SortKey(int column, boolean descending, boolean nullsFirst) {

    public static SortKey of(int column, boolean descending, Boolean explicitNullsFirst) {
        return new SortKey(column, descending, explicitNullsFirst != null ? explicitNullsFirst : descending);
    }

    /** The comparator of rows by these keys, as PostgreSQL orders them. */
    public static Comparator<Object[]> rowOrder(List<SortKey> keys, Comparator<String> text) {
        SortKey[] k = keys.toArray(SortKey[]::new);
        return (a, b) -> {
            for (SortKey key : k) {
                int c = key.compare(a[key.column], b[key.column], text);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    public int compare(Object x, Object y, Comparator<String> text) {
        if (x == null || y == null) {
            if (x == y) {
                return 0;
            }
            return (x == null) == nullsFirst ? -1 : 1;
        }
        int c = SqlValues.compare(x, y, text);
        return descending ? -c : c;
    }
}
