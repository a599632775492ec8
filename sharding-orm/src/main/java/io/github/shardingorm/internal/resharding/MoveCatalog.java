package io.github.shardingorm.internal.resharding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the moved tables' shapes from the catalog and checks every precondition of a move
 * BEFORE anything is created, so that a move refuses to start with the full list of what is
 * missing instead of failing half-way (the most reported failure of other movers).
 */
final class MoveCatalog {

    private MoveCatalog() {
    }

    /** The shape of {@code table} on {@code c}, or null (with a problem added) when it cannot be moved. */
    static TableShape shape(Connection c, String shardId, MovedTable table, List<String> problems) throws SQLException {
        String schema;
        String name;
        long oid;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.oid = to_regclass(?)")) {
            ps.setString(1, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    problems.add("table " + table.table() + " does not exist on shard " + shardId);
                    return null;
                }
                oid = rs.getLong(1);
                schema = rs.getString(2);
                name = rs.getString(3);
            }
        }
        List<TableShape.Column> columns = new ArrayList<>();
        int keyIndex = -1;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = ? AND attnum > 0"
                        + " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1).equals(table.keyColumn())) {
                        keyIndex = columns.size();
                    }
                    columns.add(new TableShape.Column(rs.getString(1), rs.getString(2)));
                }
            }
        }
        List<Integer> pk = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)"
                        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                        + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String col = rs.getString(1);
                    for (int i = 0; i < columns.size(); i++) {
                        if (columns.get(i).name().equals(col)) {
                            pk.add(i);
                        }
                    }
                }
            }
        }
        int before = problems.size();
        String what = table.owner() == null ? "table " + schema + "." + name : "collection table " + schema + "." + name
                + " (of " + table.owner().table() + ")";
        if (pk.isEmpty()) {
            problems.add(what + " on shard " + shardId + " has no primary key: a move applies changes by primary key, add one"
                    + " (for the table of an element collection or join table: Hibernate gives it one for a Set, or for a List"
                    + " with @OrderColumn; a List without @OrderColumn is a bag, whose rows may repeat and cannot be told apart)");
        }
        if (keyIndex < 0) {
            problems.add(what + " on shard " + shardId + " has no column " + table.keyColumn()
                    + (table.owner() == null ? " (the shard key column)" : " (the foreign key to its owner)"));
            return null;
        }
        TableShape.Owner owner = null;
        String keyType = columns.get(keyIndex).type();
        if (table.owner() != null) {
            String[] ownerTypes = ownerColumns(c, table.owner());
            if (ownerTypes == null) {
                problems.add(what + ": its owner's table " + table.owner().table() + " on shard " + shardId + " has no columns "
                        + table.owner().pkColumn() + " and " + table.owner().keyColumn());
                return null;
            }
            owner = new TableShape.Owner(ownerTypes[0], ownerTypes[1], table.owner().pkColumn(), table.owner().keyColumn(), keyIndex);
            keyType = ownerTypes[2];
        }
        TableShape.KeyKind kind = TableShape.KeyKind.ofType(keyType);
        if (kind == null) {
            problems.add(what + ": shard key column " + (owner == null ? table.keyColumn() : owner.displayName() + "." + owner.keyColumn())
                    + " has type " + keyType + "; a key must be smallint, integer, bigint, text, varchar or uuid");
        }
        if (problems.size() > before) {
            return null;
        }
        return owner == null ? new TableShape(schema, name, columns, pk, keyIndex, kind, pk.contains(keyIndex))
                : new TableShape(schema, name, columns, pk, columns.size(), kind, pk.contains(keyIndex), owner);
    }

    /** The owner's quoted qualified name, its display name and its key column's type, or null when a column is missing. */
    private static String[] ownerColumns(Connection c, MovedTable.Owner owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname), n.nspname || '.' || t.relname,"
                        + " format_type(k.atttypid, k.atttypmod) FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace"
                        + " JOIN pg_attribute p ON p.attrelid = t.oid AND p.attname = ? AND NOT p.attisdropped"
                        + " JOIN pg_attribute k ON k.attrelid = t.oid AND k.attname = ? AND NOT k.attisdropped"
                        + " WHERE t.oid = to_regclass(?)")) {
            ps.setString(1, owner.pkColumn());
            ps.setString(2, owner.keyColumn());
            ps.setString(3, owner.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2), rs.getString(3)} : null;
            }
        }
    }

    /** Checks the source server: logical decoding, slots, senders, privileges, version. */
    static void checkSource(Connection c, String shardId, List<String> problems) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('wal_level'), current_setting('max_replication_slots')::int,"
                     + " (SELECT count(*) FROM pg_replication_slots), current_setting('max_wal_senders')::int,"
                     + " (SELECT count(*) FROM pg_stat_replication), current_setting('server_version_num')::int,"
                     + " (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user)")) {
            rs.next();
            if (!"logical".equals(rs.getString(1))) {
                problems.add("source shard " + shardId + " has wal_level=" + rs.getString(1)
                        + "; a move decodes its WAL: set wal_level=logical (needs a restart)");
            }
            if (rs.getInt(2) - rs.getInt(3) < 2) {
                problems.add("source shard " + shardId + " has max_replication_slots=" + rs.getInt(2) + " with " + rs.getInt(3)
                        + " in use; a move needs 2 free (one kept, one temporary on resume)");
            }
            if (rs.getInt(4) - rs.getInt(5) < 2) {
                problems.add("source shard " + shardId + " has max_wal_senders=" + rs.getInt(4) + " with " + rs.getInt(5)
                        + " in use; a move needs 2 free");
            }
            if (rs.getInt(6) < 140000) {
                problems.add("source shard " + shardId + " runs PostgreSQL " + rs.getInt(6) + "; a move needs 14 or newer");
            }
            if (!rs.getBoolean(7)) {
                problems.add("source shard " + shardId + ": the user lacks the REPLICATION attribute (ALTER ROLE ... REPLICATION)");
            }
        }
    }

    /** Checks the target: literals are applied as standard strings. */
    static void checkTarget(Connection c, String shardId, List<String> problems) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('standard_conforming_strings')")) {
            rs.next();
            if (!"on".equals(rs.getString(1))) {
                problems.add("target shard " + shardId + " has standard_conforming_strings=off; the mover needs on");
            }
        }
    }

    /** The target table must have the source's stored columns, same names, types and order. */
    static void checkSameColumns(TableShape source, TableShape target, String targetId, List<String> problems) {
        if (!source.columns().equals(target.columns())) {
            problems.add("table " + source.displayName() + " differs on target shard " + targetId + ": source columns "
                    + source.columns() + ", target columns " + target.columns() + " (run the schema action on the target first)");
        } else if (!source.pk().equals(target.pk())) {
            problems.add("table " + source.displayName() + " has primary key (" + source.pkNames() + ") on the source but ("
                    + target.pkNames() + ") on target shard " + targetId);
        }
    }

    /** The catalog's estimate of the rows of the moving buckets (statistics, spread evenly over the buckets). */
    static long estimateRows(Connection c, List<TableShape> shapes, BucketSet buckets) throws SQLException {
        long total = 0;
        for (TableShape t : shapes) {
            try (PreparedStatement ps = c.prepareStatement("SELECT reltuples::bigint, pg_relation_size(oid) FROM pg_class"
                    + " WHERE oid = to_regclass(?)")) {
                ps.setString(1, t.qualified());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long tuples = rs.getLong(1);
                    long bytes = rs.getLong(2);
                    if (tuples >= 0) {
                        total += tuples;
                    } else if (bytes < 64L * 1024 * 1024) {
                        total += exactCount(c, t);
                    } else {
                        total += bytes / 100;
                    }
                }
            }
        }
        return total * buckets.size() / buckets.bucketCount();
    }

    /** The catalog's estimate of the bytes of the moving buckets (table sizes spread evenly over the buckets). */
    static long estimateBytes(Connection c, List<TableShape> shapes, BucketSet buckets) throws SQLException {
        long total = 0;
        for (TableShape t : shapes) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size(to_regclass(?))")) {
                ps.setString(1, t.qualified());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total += rs.getLong(1);
                }
            }
        }
        return total * buckets.size() / buckets.bucketCount();
    }

    /** Never analyzed and small: count it. */
    private static long exactCount(Connection c, TableShape t) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + t.qualified())) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
