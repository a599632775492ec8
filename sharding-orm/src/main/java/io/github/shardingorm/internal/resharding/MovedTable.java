package io.github.shardingorm.internal.resharding;

import java.util.Objects;

/**
 * A sharded table to move, as the caller names it.
 *
 * <p>A collection table (an {@code @ElementCollection}'s, or the join table of a
 * {@code @ManyToMany} or {@code @OneToMany @JoinTable}) belongs to the bucket of its owning
 * entity. When its foreign key to the owner holds the owner's shard key (the owner is sharded by
 * its id), it is an ordinary moved table keyed by that column. Otherwise it names its
 * {@link Owner}: {@code keyColumn} is then the foreign-key column, and the shard key is read from
 * the owner's row ({@code owner.table.owner.keyColumn} where {@code owner.pkColumn = keyColumn}).
 *
 * @param table     the table name, optionally schema-qualified ({@code public.posts})
 * @param keyColumn the column holding the shard key, or (with an owner) the foreign key to the owner
 * @param owner     null, or the owner whose row holds this table's shard key
 */
public record MovedTable(String table, String keyColumn, Owner owner) {

    /**
     * The owning entity's table of a collection table that has no shard-key column.
     *
     * @param table     the owner's table
     * @param pkColumn  the owner's primary-key column the collection's foreign key references
     * @param keyColumn the owner's shard-key column
     */
    public record Owner(String table, String pkColumn, String keyColumn) {
        public Owner {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(pkColumn, "pkColumn");
            Objects.requireNonNull(keyColumn, "keyColumn");
        }
    }

    public MovedTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(keyColumn, "keyColumn");
    }

    public MovedTable(String table, String keyColumn) {
        this(table, keyColumn, null);
    }

    /** Parses {@code table:keyColumn} or {@code table:fkColumn|ownerTable|ownerPk|ownerKey}. */
    public static MovedTable parse(String text) {
        int bar = text.indexOf('|');
        String head = bar < 0 ? text : text.substring(0, bar);
        int colon = head.lastIndexOf(':');
        if (colon <= 0 || colon == head.length() - 1) {
            throw new IllegalArgumentException("a moved table is given as table:keyColumn but was '" + text + "'");
        }
        Owner owner = null;
        if (bar >= 0) {
            String[] parts = text.substring(bar + 1).split("\\|", -1);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw new IllegalArgumentException("a collection table is given as table:fkColumn|ownerTable|ownerPk|ownerKey"
                        + " but was '" + text + "'");
            }
            owner = new Owner(parts[0], parts[1], parts[2]);
        }
        return new MovedTable(head.substring(0, colon), head.substring(colon + 1), owner);
    }

    public String toText() {
        return table + ":" + keyColumn + (owner == null ? "" : "|" + owner.table() + "|" + owner.pkColumn() + "|" + owner.keyColumn());
    }
}
