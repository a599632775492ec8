package io.github.shardingorm.internal.resharding;

import java.util.Objects;

/**
 * A sharded table to move, as the caller names it.
 *
 * @param table     the table name, optionally schema-qualified ({@code public.posts})
 * @param keyColumn the column holding the shard key
 */
public record MovedTable(String table, String keyColumn) {

    public MovedTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(keyColumn, "keyColumn");
    }

    /** Parses {@code table:keyColumn}. */
    public static MovedTable parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("a moved table is given as table:keyColumn but was '" + text + "'");
        }
        return new MovedTable(text.substring(0, colon), text.substring(colon + 1));
    }

    public String toText() {
        return table + ":" + keyColumn;
    }
}
