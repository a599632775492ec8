package io.github.shardingorm.internal.resharding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns decoded row changes into the SQL that applies them to the target, keeping only the rows
 * of the moving buckets. Every statement is idempotent (an upsert or a delete by primary key), so
 * replaying a change already applied changes nothing; changes are applied in commit order, one
 * statement per run of like changes ({@link #statements}), so every intermediate state is one the
 * source had (secondary UNIQUE and foreign-key constraints hold along the way). Values stay in PostgreSQL's text form
 * (pgoutput's) and are cast to the column type by the target.
 *
 * <p>An update moves a row between buckets when it changes the shard key: into the move it is
 * an upsert, out of it a delete. The old key comes from the old tuple, which carries the key
 * whenever it is part of the primary key, and the whole row when the table's replica identity
 * is FULL (the mover sets that for a table whose primary key does not contain the shard key).
 *
 * <p>A collection table without a shard-key column (its rows name their owner by foreign key) is
 * placed by its owner's key: learned from the owner table's own changes in the stream (an owner
 * inserted with its collection, or deleted with it, in one transaction), else read from the owner
 * row on the target (which holds the moving owners as of the last applied change), else on the
 * source. An owner's key does not change while its collection rows exist (the shard key is
 * immutable in the mapping), so the row found is the one the change was made under. A row whose
 * owner is found nowhere belongs to no moving bucket (its owner, and with it the row, was deleted
 * before the change could matter).
 */
final class ChangeApplier {

    /** Reads an owner's shard key (as text) by its primary key (as text), or null when the owner row is gone. */
    @FunctionalInterface
    interface OwnerLookup {
        String ownerKey(TableShape collection, String fk) throws java.sql.SQLException;

        OwnerLookup NONE = (t, fk) -> null;
    }

    private static final int LEARNED_LIMIT = 1_000_000;

    private final BucketSet buckets;
    private final OwnerLookup lookup;
    /** owner table (display name) &rarr; index of the referenced primary-key column in the owner's columns. */
    private final Map<String, Integer> ownerPkIndex = new HashMap<>();
    /** owner table &rarr; owner primary key (text) &rarr; owner shard key (text), learned from the stream. */
    private final Map<String, Map<String, String>> learned = new HashMap<>();
    private final Map<String, TableShape> tablesByName = new HashMap<>();
    private final Map<Integer, TableShape> relations = new HashMap<>();
    private CopyEpochs epochs;

    ChangeApplier(BucketSet buckets, List<TableShape> tables, CopyEpochs epochs) {
        this(buckets, tables, epochs, OwnerLookup.NONE);
    }

    ChangeApplier(BucketSet buckets, List<TableShape> tables, CopyEpochs epochs, OwnerLookup lookup) {
        this.buckets = buckets;
        this.epochs = epochs;
        this.lookup = lookup;
        for (TableShape t : tables) {
            tablesByName.put(t.schema() + "." + t.name(), t);
        }
        for (TableShape t : tables) {
            if (t.owner() != null) {
                TableShape owner = tablesByName.get(t.owner().displayName());
                if (owner != null && owner.owner() == null) {
                    for (int i = 0; i < owner.columns().size(); i++) {
                        if (owner.columns().get(i).name().equals(t.owner().pkColumn())) {
                            ownerPkIndex.put(owner.displayName(), i);
                        }
                    }
                }
            }
        }
    }

    /** Remembers the key of an owner row that passes through the stream (inserted, updated or deleted). */
    private void learn(TableShape t, List<String> values) {
        Integer pkIndex = ownerPkIndex.get(t.displayName());
        if (pkIndex == null || values == null) {
            return;
        }
        String pk = values.get(pkIndex);
        String key = values.get(t.keyIndex());
        if (pk == null || key == null || pk == PgOutput.UNCHANGED || key == PgOutput.UNCHANGED) {
            return;
        }
        Map<String, String> keys = learned.computeIfAbsent(t.displayName(), k -> new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > LEARNED_LIMIT;
            }
        });
        keys.put(pk, key);
    }

    /** Whether the row {@code values} of {@code t} is in a moving bucket (a collection row: its owner's). */
    private boolean moving(TableShape t, List<String> values) {
        Object key = key(t, values);
        return key != null && buckets.containsKey(key);
    }

    void epochs(CopyEpochs next) {
        this.epochs = next;
    }

    void relation(PgOutput.Relation r) {
        TableShape t = tablesByName.get(r.schema() + "." + r.name());
        if (t == null) {
            return;
        }
        List<String> expected = t.columns().stream().map(TableShape.Column::name).toList();
        if (!expected.equals(r.columns())) {
            throw new IllegalStateException("table " + t.displayName() + " changed during the move: decoded columns "
                    + r.columns() + " but the move copies " + expected + "; roll the move back and start it again");
        }
        relations.put(r.relationId(), t);
    }

    TableShape table(int relationId) {
        return relations.get(relationId);
    }

    /** Adds the statements of one change to {@code out}; returns the number of row changes kept. */
    /** One change to apply: an upsert of a whole row, a delete by primary key, or a ready statement. */
    record Op(TableShape table, Kind kind, List<String> values, String sql) {
        enum Kind { UPSERT, DELETE, SQL }
    }

    int apply(PgOutput.Message m, long commitLsn, List<Op> out) {
        if (m instanceof PgOutput.Insert ins) {
            TableShape t = relations.get(ins.relationId());
            if (t == null) {
                return 0;
            }
            learn(t, ins.row().values());
            if (!moving(t, ins.row().values())) {
                return 0;
            }
            return upsert(t, ins.row().values(), commitLsn, out);
        }
        if (m instanceof PgOutput.Update up) {
            TableShape t = relations.get(up.relationId());
            if (t == null) {
                return 0;
            }
            List<String> row = up.row().values();
            List<String> old = up.old() == null ? null : up.old().values();
            learn(t, row);
            Object newKey = key(t, row);
            Object oldKey = old != null && (up.oldIsFullRow() || t.keyInPk()) ? key(t, old) : newKey;
            boolean oldMoving = oldKey != null && buckets.containsKey(oldKey);
            boolean newMoving = newKey != null && buckets.containsKey(newKey);
            int n = 0;
            List<String> oldPk = old == null ? pkValues(t, row) : pkValues(t, old);
            boolean pkChanged = !oldPk.equals(pkValues(t, row));
            if (oldMoving && (pkChanged || !newMoving)) {
                n += delete(t, oldPk, commitLsn, out);
            }
            if (newMoving) {
                if (row.contains(PgOutput.UNCHANGED) && up.oldIsFullRow()) {
                    List<String> filled = new ArrayList<>(row);
                    for (int i = 0; i < filled.size(); i++) {
                        if (filled.get(i) == PgOutput.UNCHANGED) {
                            filled.set(i, old.get(i));
                        }
                    }
                    row = filled;
                }
                n += row.contains(PgOutput.UNCHANGED) ? updateChanged(t, row, commitLsn, out) : upsert(t, row, commitLsn, out);
            }
            return n;
        }
        if (m instanceof PgOutput.Delete del) {
            TableShape t = relations.get(del.relationId());
            if (t == null) {
                return 0;
            }
            if (!del.oldIsFullRow() && !t.keyInPk()) {
                throw new IllegalStateException("a delete on " + t.displayName() + " carries no shard key: its replica identity"
                        + " must be FULL during the move (the mover sets it; was it reset?)");
            }
            List<String> old = del.old().values();
            if (del.oldIsFullRow()) {
                learn(t, old);
            }
            if (!moving(t, old)) {
                return 0;
            }
            return delete(t, pkValues(t, old), commitLsn, out);
        }
        if (m instanceof PgOutput.Truncate tr) {
            for (int id : tr.relationIds()) {
                if (relations.containsKey(id)) {
                    throw new IllegalStateException("table " + relations.get(id).displayName()
                            + " was truncated on the source during the move; roll the move back");
                }
            }
        }
        return 0;
    }

    /** The normalized shard key of a changed row; null for a collection row whose owner is found nowhere. */
    private Object key(TableShape t, List<String> values) {
        if (t.owner() != null) {
            String fk = values.get(t.owner().fkIndex());
            if (fk == null) {
                return null; // an orphan row has no owner and no bucket
            }
            if (fk == PgOutput.UNCHANGED) {
                throw new IllegalStateException("a change of " + t.displayName() + " has no value for its foreign key "
                        + t.keyColumn().name() + " to its owner " + t.owner().displayName());
            }
            Map<String, String> keys = learned.get(t.owner().displayName());
            String key = keys == null ? null : keys.get(fk);
            if (key == null) {
                try {
                    key = lookup.ownerKey(t, fk);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException("reading the shard key of the owner " + t.owner().displayName() + " ("
                            + t.owner().pkColumn() + " = " + fk + ") of a change of " + t.displayName() + " failed: " + e.getMessage(), e);
                }
            }
            return key == null ? null : t.keyKind().fromText(key);
        }
        String v = values.get(t.keyIndex());
        if (v == null || v == PgOutput.UNCHANGED) {
            throw new IllegalStateException("a change of " + t.displayName() + " has no value for the shard key column "
                    + t.keyColumn().name());
        }
        return t.keyKind().fromText(v);
    }

    /** The SQL reading an owner's key (text) by the collection's foreign-key value, for an {@link OwnerLookup}. */
    static String ownerKeySql(TableShape collection) {
        TableShape.Owner o = collection.owner();
        return "SELECT o." + TableShape.quote(o.keyColumn()) + "::text FROM ONLY " + o.qualified() + " o WHERE o."
                + TableShape.quote(o.pkColumn()) + " = ?::" + collection.keyColumn().type();
    }

    /** An {@link OwnerLookup} reading the owner row on the target (in its open transaction), then on the source. */
    static OwnerLookup onShards(java.sql.Connection target, java.sql.Connection source) {
        return (t, fk) -> {
            for (java.sql.Connection c : new java.sql.Connection[] {target, source}) {
                try (java.sql.PreparedStatement ps = c.prepareStatement(ownerKeySql(t))) {
                    ps.setString(1, fk);
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return rs.getString(1);
                        }
                    }
                }
            }
            return null;
        };
    }

    private static List<String> pkValues(TableShape t, List<String> values) {
        List<String> pk = new ArrayList<>(t.pk().size());
        for (int i : t.pk()) {
            pk.add(values.get(i));
        }
        return pk;
    }

    private String condition(TableShape t, List<String> pk, long commitLsn) {
        CopyEpochs.Bound b = epochs.bound(t.displayName(), commitLsn);
        if (b.skip()) {
            return null;
        }
        return b.upper() == null ? "" : t.pkLiteralRow(pk) + " <= " + t.pkLiteralRow(b.upper());
    }

    private int upsert(TableShape t, List<String> row, long commitLsn, List<Op> out) {
        String cond = condition(t, pkValues(t, row), commitLsn);
        if (cond == null) {
            return 0;
        }
        if (cond.isEmpty()) {
            out.add(new Op(t, Op.Kind.UPSERT, row, null));
            return 1;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(t.qualified()).append(" (").append(t.columnList()).append(") ");
        sql.append(cond.isEmpty() ? "VALUES (" : "SELECT ");
        for (int i = 0; i < row.size(); i++) {
            if (i > 0) {
                sql.append(", ");
            }
            value(sql, t, i, row.get(i));
        }
        sql.append(cond.isEmpty() ? ")" : " WHERE " + cond);
        sql.append(onConflict(t));
        out.add(new Op(t, Op.Kind.SQL, null, sql.toString()));
        return 1;
    }

    private static String onConflict(TableShape t) {
        List<String> set = new ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
            if (!t.pk().contains(i)) {
                String c = TableShape.quote(t.columns().get(i).name());
                set.add(c + " = EXCLUDED." + c);
            }
        }
        return " ON CONFLICT " + t.pkRow() + (set.isEmpty() ? " DO NOTHING" : " DO UPDATE SET " + String.join(", ", set));
    }

    /**
     * The statements for {@code ops}, in order: a run of upserts of one table becomes one
     * multi-row {@code INSERT ... ON CONFLICT} (cut where a primary key repeats, since one
     * statement cannot change a row twice, and rows are inserted in the given order, so unique
     * checks see the same sequence), a run of deletes of one table one {@code DELETE ... IN}.
     */
    static List<String> statements(List<Op> ops) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < ops.size()) {
            Op op = ops.get(i);
            if (op.kind() == Op.Kind.SQL) {
                out.add(op.sql());
                i++;
                continue;
            }
            TableShape t = op.table();
            java.util.Set<List<String>> keys = new java.util.HashSet<>();
            StringBuilder sql = new StringBuilder();
            int n = 0;
            while (i < ops.size() && n < 500 && ops.get(i).kind() == op.kind() && ops.get(i).table() == t) {
                List<String> values = ops.get(i).values();
                if (op.kind() == Op.Kind.UPSERT) {
                    if (!keys.add(pkOf(t, values))) {
                        break;
                    }
                    sql.append(n == 0 ? "INSERT INTO " + t.qualified() + " (" + t.columnList() + ") VALUES (" : ", (");
                    for (int c = 0; c < values.size(); c++) {
                        if (c > 0) {
                            sql.append(", ");
                        }
                        value(sql, t, c, values.get(c));
                    }
                    sql.append(')');
                } else {
                    sql.append(n == 0 ? "DELETE FROM " + t.qualified() + " WHERE " + t.pkRow() + " IN (" : ", ")
                            .append(t.pkLiteralRow(values));
                }
                n++;
                i++;
            }
            sql.append(op.kind() == Op.Kind.UPSERT ? onConflict(t) : ")");
            out.add(sql.toString());
        }
        return out;
    }

    private static List<String> pkOf(TableShape t, List<String> row) {
        List<String> pk = new ArrayList<>(t.pk().size());
        for (int i : t.pk()) {
            pk.add(row.get(i));
        }
        return pk;
    }

    private int updateChanged(TableShape t, List<String> row, long commitLsn, List<Op> out) {
        List<String> pk = pkValues(t, row);
        String cond = condition(t, pk, commitLsn);
        if (cond == null) {
            return 0;
        }
        List<String> set = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
            if (row.get(i) != PgOutput.UNCHANGED && !t.pk().contains(i)) {
                StringBuilder v = new StringBuilder(TableShape.quote(t.columns().get(i).name())).append(" = ");
                value(v, t, i, row.get(i));
                set.add(v.toString());
            }
        }
        if (set.isEmpty()) {
            return 0;
        }
        out.add(new Op(t, Op.Kind.SQL, null, "UPDATE " + t.qualified() + " SET " + String.join(", ", set) + " WHERE " + t.pkRow() + " = "
                + t.pkLiteralRow(pk) + (cond.isEmpty() ? "" : " AND " + cond)));
        return 1;
    }

    private int delete(TableShape t, List<String> pk, long commitLsn, List<Op> out) {
        String cond = condition(t, pk, commitLsn);
        if (cond == null) {
            return 0;
        }
        if (cond.isEmpty()) {
            out.add(new Op(t, Op.Kind.DELETE, pk, null));
        } else {
            out.add(new Op(t, Op.Kind.SQL, null, "DELETE FROM " + t.qualified() + " WHERE " + t.pkRow() + " = " + t.pkLiteralRow(pk)
                    + " AND " + cond));
        }
        return 1;
    }

    private static void value(StringBuilder sql, TableShape t, int column, String v) {
        sql.append(v == null ? "NULL" : TableShape.literal(v)).append("::").append(t.columns().get(column).type());
    }
}
