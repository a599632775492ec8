package io.github.shardingorm.internal.resharding;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A decoder of the {@code pgoutput} logical replication protocol, version 1 (text values):
 * Begin, Commit, Relation, Insert, Update, Delete, Truncate and logical Message. Origin and Type
 * messages are read and ignored. See PostgreSQL's "Logical Replication Message Formats".
 */
final class PgOutput {

    /** A decoded message. */
    sealed interface Message permits Begin, Commit, Relation, Insert, Update, Delete, Truncate, LogicalMessage, Ignored {
    }

    /** Begin: the LSN of the transaction's commit record, its commit time (microseconds since 2000-01-01) and xid. */
    record Begin(long finalLsn, long commitMicros, int xid) implements Message {
    }

    /** Commit: the commit record's LSN and the end of the transaction in the WAL. */
    record Commit(long commitLsn, long endLsn) implements Message {
    }

    /** Relation: the table a later row message refers to by {@code relationId}. */
    record Relation(int relationId, String schema, String name, List<String> columns, List<Boolean> keyColumns)
            implements Message {
    }

    /**
     * A tuple: one value per column, as text; {@code null} for SQL NULL; {@link #UNCHANGED} for an
     * unchanged TOASTed value of an update.
     */
    record Tuple(List<String> values) {
    }

    /** Insert of {@code row}. */
    record Insert(int relationId, Tuple row) implements Message {
    }

    /** Update: {@code old} is the old key ('K') or the whole old row ('O'), null when the key did not change. */
    record Update(int relationId, Tuple old, boolean oldIsFullRow, Tuple row) implements Message {
    }

    /** Delete: {@code old} is the old key or the whole old row. */
    record Delete(int relationId, Tuple old, boolean oldIsFullRow) implements Message {
    }

    /** Truncate of the relations. */
    record Truncate(List<Integer> relationIds) implements Message {
    }

    /** A message of {@code pg_logical_emit_message}. */
    record LogicalMessage(boolean transactional, long lsn, String prefix, String content) implements Message {
    }

    /** Origin and Type messages, not needed by the mover. */
    record Ignored(char type) implements Message {
    }

    /** The marker for an unchanged TOASTed value in an update's new tuple. */
    static final String UNCHANGED = new String("\u0000unchanged-toast");

    private PgOutput() {
    }

    static Message decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice();
        char type = (char) b.get();
        switch (type) {
            case 'B': {
                long lsn = b.getLong();
                long time = b.getLong();
                return new Begin(lsn, time, b.getInt());
            }
            case 'C': {
                b.get();
                long commit = b.getLong();
                long end = b.getLong();
                return new Commit(commit, end);
            }
            case 'R': {
                int id = b.getInt();
                String schema = string(b);
                String name = string(b);
                b.get();
                int n = b.getShort();
                List<String> cols = new ArrayList<>(n);
                List<Boolean> keys = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    keys.add((b.get() & 1) != 0);
                    cols.add(string(b));
                    b.getInt();
                    b.getInt();
                }
                return new Relation(id, schema, name, Collections.unmodifiableList(cols), Collections.unmodifiableList(keys));
            }
            case 'I': {
                int id = b.getInt();
                expect(b, 'N');
                return new Insert(id, tuple(b));
            }
            case 'U': {
                int id = b.getInt();
                char next = (char) b.get();
                Tuple old = null;
                boolean full = false;
                if (next == 'K' || next == 'O') {
                    full = next == 'O';
                    old = tuple(b);
                    next = (char) b.get();
                }
                if (next != 'N') {
                    throw new IllegalStateException("pgoutput update: expected 'N' but got '" + next + "'");
                }
                return new Update(id, old, full, tuple(b));
            }
            case 'D': {
                int id = b.getInt();
                char kind = (char) b.get();
                return new Delete(id, tuple(b), kind == 'O');
            }
            case 'T': {
                int n = b.getInt();
                b.get();
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ids.add(b.getInt());
                }
                return new Truncate(ids);
            }
            case 'M': {
                boolean transactional = (b.get() & 1) != 0;
                long lsn = b.getLong();
                String prefix = string(b);
                int len = b.getInt();
                byte[] content = new byte[len];
                b.get(content);
                return new LogicalMessage(transactional, lsn, prefix, new String(content, StandardCharsets.UTF_8));
            }
            default:
                return new Ignored(type);
        }
    }

    private static void expect(ByteBuffer b, char c) {
        char got = (char) b.get();
        if (got != c) {
            throw new IllegalStateException("pgoutput: expected '" + c + "' but got '" + got + "'");
        }
    }

    private static Tuple tuple(ByteBuffer b) {
        int n = b.getShort();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            char kind = (char) b.get();
            switch (kind) {
                case 'n' -> values.add(null);
                case 'u' -> values.add(UNCHANGED);
                case 't' -> {
                    int len = b.getInt();
                    values.add(new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8));
                    b.position(b.position() + len);
                }
                default -> throw new IllegalStateException("pgoutput: unexpected tuple value kind '" + kind
                        + "' (binary values are not requested)");
            }
        }
        return new Tuple(values);
    }

    private static String string(ByteBuffer b) {
        int start = b.position();
        int end = start;
        while (b.get(end) != 0) {
            end++;
        }
        String s = new String(b.array(), b.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        b.position(end + 1);
        return s;
    }
}
