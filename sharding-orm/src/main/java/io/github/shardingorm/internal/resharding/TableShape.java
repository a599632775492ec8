package io.github.shardingorm.internal.resharding;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One moved table as the mover sees it (read from the source's catalog): its columns in table
 * order (generated columns left out), the primary key, and the shard-key column with its kind.
 * Builds every statement the mover sends for the table, so quoting lives in one place.
 *
 * @param schema      the schema name
 * @param name        the table name
 * @param columns     the stored columns in attribute order
 * @param pk          indexes into {@code columns} of the primary-key columns, in key order
 * @param keyIndex    index into {@code columns} of the shard-key column
 * @param keyKind     how the shard key is read
 * @param keyInPk     whether the shard key is one of the primary-key columns (with an owner: whether the
 *                    foreign key to the owner is, so that every old tuple of a change names the owner)
 * @param owner       null, or how a collection table without a shard-key column reaches its owner's key;
 *                    then {@code keyIndex} is {@code columns.size()}: the key is an extra field the mover
 *                    selects after the stored columns (and strips before writing the row)
 */
public record TableShape(String schema, String name, List<Column> columns, List<Integer> pk, int keyIndex,
                         KeyKind keyKind, boolean keyInPk, Owner owner) {

    /**
     * The owner of a collection table: its table (quoted, qualified), the primary-key column the
     * collection's foreign key references, the owner's shard-key column and the foreign-key
     * column's index in the collection table.
     */
    public record Owner(String qualified, String displayName, String pkColumn, String keyColumn, int fkIndex) {
    }

    public TableShape(String schema, String name, List<Column> columns, List<Integer> pk, int keyIndex, KeyKind keyKind,
                      boolean keyInPk) {
        this(schema, name, columns, pk, keyIndex, keyKind, keyInPk, null);
    }

    /** A stored column: name and its type as {@code format_type} prints it. */
    public record Column(String name, String type) {
    }

    /** The three normalized key shapes and how their binary and text forms are read. */
    public enum KeyKind {
        INT2, INT4, INT8, TEXT, UUID;

        static KeyKind ofType(String type) {
            return switch (type) {
                case "smallint" -> INT2;
                case "integer" -> INT4;
                case "bigint" -> INT8;
                case "uuid" -> UUID;
                default -> type.equals("text") || type.startsWith("character varying") || type.startsWith("character(")
                        || type.equals("character") ? TEXT : null;
            };
        }

        /** The normalized key (Long, String, UUID) from a binary COPY field. */
        Object fromBinary(byte[] buf, int off, int len) {
            return switch (this) {
                case INT2 -> (long) (short) (((buf[off] & 0xff) << 8) | (buf[off + 1] & 0xff));
                case INT4 -> (long) readInt(buf, off);
                case INT8 -> readLong(buf, off);
                case UUID -> new java.util.UUID(readLong(buf, off), readLong(buf, off + 8));
                case TEXT -> new String(buf, off, len, StandardCharsets.UTF_8);
            };
        }

        /** The normalized key from its text form (pgoutput, or a {@code ::text} cast). */
        Object fromText(String text) {
            return switch (this) {
                case INT2, INT4, INT8 -> Long.parseLong(text);
                case UUID -> java.util.UUID.fromString(text);
                case TEXT -> text;
            };
        }

        private static int readInt(byte[] b, int o) {
            return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
        }

        private static long readLong(byte[] b, int o) {
            return ((long) readInt(b, o) << 32) | (readInt(b, o + 4) & 0xffffffffL);
        }
    }

    public TableShape {
        columns = List.copyOf(columns);
        pk = List.copyOf(pk);
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A SQL string literal (standard_conforming_strings is checked on). */
    static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** {@code schema.table}, quoted. */
    public String qualified() {
        return quote(schema) + "." + quote(name);
    }

    /** {@code schema.table} unquoted, for messages and the job store. */
    public String displayName() {
        return schema + "." + name;
    }

    /** The shard-key column (for a collection table with an owner: the foreign key to the owner). */
    public Column keyColumn() {
        return columns.get(owner == null ? keyIndex : owner.fkIndex());
    }

    /** The shard key's column as a message names it. */
    public String keyDescription() {
        return owner == null ? keyColumn().name() : owner.displayName() + "." + owner.keyColumn() + " (through " + keyColumn().name() + ")";
    }

    /**
     * The SQL expression of a row's shard key, the row's table aliased {@code alias}: the column,
     * or for a collection table its owner's key column read through the foreign key (in the same
     * snapshot as the row; null for an orphan row).
     */
    public String keyExpression(String alias) {
        if (owner == null) {
            return alias + "." + quote(keyColumn().name());
        }
        return "(SELECT o." + quote(owner.keyColumn()) + " FROM ONLY " + owner.qualified() + " o WHERE o." + quote(owner.pkColumn())
                + " = " + alias + "." + quote(keyColumn().name()) + ")";
    }

    /** The select list a copy reads: the stored columns, then (for a collection table) its owner's key. */
    public String copySelectList(String alias) {
        return columns.stream().map(c -> alias + "." + quote(c.name())).collect(Collectors.joining(", "))
                + (owner == null ? "" : ", " + keyExpression(alias));
    }

    public String columnList() {
        return columns.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
    }

    /** {@code ("a", "b")}: the primary key as a row. */
    public String pkRow() {
        return "(" + pk.stream().map(i -> quote(columns.get(i).name())).collect(Collectors.joining(", ")) + ")";
    }

    /** {@code (?::t1, ?::t2)}: primary-key parameters as a row. */
    public String pkParamRow() {
        return "(" + pk.stream().map(i -> "?::" + columns.get(i).type()).collect(Collectors.joining(", ")) + ")";
    }

    /** {@code ('v1'::t1, 'v2'::t2)}: primary-key values as a row of literals. */
    public String pkLiteralRow(List<String> values) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < pk.size(); i++) {
            parts.add(literal(values.get(i)) + "::" + columns.get(pk.get(i)).type());
        }
        return "(" + String.join(", ", parts) + ")";
    }

    /** {@code "a"::text, "b"::text}: the primary key as text columns. */
    public String pkAsText() {
        return pk.stream().map(i -> quote(columns.get(i).name()) + "::text").collect(Collectors.joining(", "));
    }

    /** {@code x."a"::text, x."b"::text}: the primary key as text columns of the row aliased {@code alias}. */
    public String pkAsText(String alias) {
        return pk.stream().map(i -> alias + "." + quote(columns.get(i).name()) + "::text").collect(Collectors.joining(", "));
    }

    /** {@code x."a", x."b"}: the primary key columns of the row aliased {@code alias}, qualified (an ORDER BY that cannot mean an output column). */
    public String pkOrder(String alias) {
        return pk.stream().map(i -> alias + "." + quote(columns.get(i).name())).collect(Collectors.joining(", "));
    }

    /** {@code (x."a", x."b")}: the primary key of the row aliased {@code alias} as a row. */
    public String pkRow(String alias) {
        return "(" + pkOrder(alias) + ")";
    }

    public String pkNames() {
        return pk.stream().map(i -> columns.get(i).name()).collect(Collectors.joining(", "));
    }
}
