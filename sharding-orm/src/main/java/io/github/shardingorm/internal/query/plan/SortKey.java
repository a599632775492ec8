package io.github.shardingorm.internal.query.plan;

/**
 * One ORDER BY item of a merged row: the column it reads, its direction, and where nulls go
 * (explicit NULLS FIRST/LAST, else PostgreSQL's default: last for ASC, first for DESC). The merge
 * compares by it ({@code merge.RowOrder}).
 */
public record SortKey(int column, boolean descending, boolean nullsFirst) {

    public static SortKey of(int column, boolean descending, Boolean explicitNullsFirst) {
        return new SortKey(column, descending, explicitNullsFirst != null ? explicitNullsFirst : descending);
    }
}
