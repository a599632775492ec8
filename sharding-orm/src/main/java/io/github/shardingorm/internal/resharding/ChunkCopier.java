package io.github.shardingorm.internal.resharding;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyInputStream;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Copies one chunk of a table (a primary-key range) from the source to the target with binary
 * COPY on both ends, keeping only the rows of the moving buckets.
 *
 * <h2>Design note</h2>
 * The bucket function (xxHash64 of the key) cannot run in SQL at speed and a publication row
 * filter cannot express it, so the filter runs here: the source streams
 * {@code COPY (SELECT cols FROM t WHERE pk > lower AND pk <= upper) TO STDOUT (FORMAT binary)},
 * each tuple is parsed just far enough to read the shard-key field, and the tuples of moving
 * buckets are passed on, byte for byte, into {@code COPY t (cols) FROM STDIN (FORMAT binary)} on
 * the target. No value is decoded except the key, so every column type copies as PostgreSQL
 * wrote it. Chunks are primary-key ranges found by keyset ({@code OFFSET n-1 LIMIT 1} on the
 * primary-key index) so each chunk costs an index range scan, and the caller copies a chunk and
 * records it in ONE target transaction.
 */
final class ChunkCopier {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    /** What a chunk copy did. */
    record Result(long rowsRead, long rowsWritten, long bytesWritten) {
    }

    private ChunkCopier() {
    }

    /**
     * The primary key of the last row of the chunk that starts after {@code lower}, as text, or
     * null when fewer than {@code chunkRows} rows remain (the chunk is the table's last).
     */
    static List<String> upperBound(Connection source, TableShape t, List<String> lower, int chunkRows) throws SQLException {
        String sql = "SELECT " + t.pkAsText() + " FROM ONLY " + t.qualified()
                + (lower == null ? "" : " WHERE " + t.pkRow() + " > " + t.pkParamRow())
                + " ORDER BY " + t.pkOrder() + " OFFSET " + (chunkRows - 1) + " LIMIT 1";
        try (PreparedStatement ps = source.prepareStatement(sql)) {
            if (lower != null) {
                for (int i = 0; i < lower.size(); i++) {
                    ps.setString(i + 1, lower.get(i));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> upper = new ArrayList<>();
                for (int i = 0; i < t.pk().size(); i++) {
                    upper.add(rs.getString(i + 1));
                }
                return upper;
            }
        }
    }

    /** The WHERE clause of the chunk {@code (lower, upper]}; either bound may be null (open). */
    static String rangeCondition(TableShape t, List<String> lower, List<String> upper) {
        List<String> parts = new ArrayList<>();
        if (lower != null) {
            parts.add(t.pkRow() + " > " + t.pkLiteralRow(lower));
        }
        if (upper != null) {
            parts.add(t.pkRow() + " <= " + t.pkLiteralRow(upper));
        }
        return parts.isEmpty() ? "true" : String.join(" AND ", parts);
    }

    /** Copies the rows of {@code (lower, upper]} that belong to {@code buckets}; the target is in a transaction. */
    static Result copy(Connection source, Connection target, TableShape t, BucketSet buckets, List<String> lower,
                       List<String> upper) throws SQLException {
        String out = "COPY (SELECT " + t.columnList() + " FROM ONLY " + t.qualified() + " WHERE "
                + rangeCondition(t, lower, upper) + ") TO STDOUT (FORMAT binary)";
        String in = "COPY " + t.qualified() + " (" + t.columnList() + ") FROM STDIN (FORMAT binary)";
        CopyOut copyOut = source.unwrap(PGConnection.class).getCopyAPI().copyOut(out);
        CopyIn copyIn = null;
        try {
            copyIn = target.unwrap(PGConnection.class).getCopyAPI().copyIn(in);
            PGCopyOutputStream sink = new PGCopyOutputStream(copyIn, 256 * 1024);
            Result result;
            try (InputStream raw = new PGCopyInputStream(copyOut)) {
                result = filter(new DataInputStream(new BufferedInputStream(raw, 256 * 1024)), sink, t, buckets);
            }
            sink.endCopy();
            copyIn = null;
            return result;
        } catch (IOException e) {
            throw new SQLException("copying " + t.displayName() + " rows " + rangeCondition(t, lower, upper) + " failed: "
                    + e.getMessage(), "58030", e);
        } finally {
            if (copyOut.isActive()) {
                copyOut.cancelCopy();
            }
            if (copyIn != null && copyIn.isActive()) {
                copyIn.cancelCopy();
            }
        }
    }

    /** Parses a binary COPY stream and writes the tuples whose key is in {@code buckets}. */
    static Result filter(DataInputStream in, OutputStream out, TableShape t, BucketSet buckets) throws IOException {
        byte[] sig = new byte[SIGNATURE.length];
        in.readFully(sig);
        for (int i = 0; i < sig.length; i++) {
            if (sig[i] != SIGNATURE[i]) {
                throw new IOException("not a binary COPY stream");
            }
        }
        in.readInt();
        int extension = in.readInt();
        in.skipNBytes(extension);
        out.write(SIGNATURE);
        out.write(new byte[8]);
        byte[] buf = new byte[8192];
        long read = 0;
        long written = 0;
        long bytes = SIGNATURE.length + 8L;
        int keyIndex = t.keyIndex();
        while (true) {
            short fields;
            try {
                fields = in.readShort();
            } catch (EOFException e) {
                throw new IOException("binary COPY stream ended without its trailer", e);
            }
            if (fields == -1) {
                break;
            }
            int pos = 0;
            buf[pos++] = (byte) (fields >>> 8);
            buf[pos++] = (byte) fields;
            int keyOff = -1;
            int keyLen = -1;
            for (int f = 0; f < fields; f++) {
                int len = in.readInt();
                if (buf.length < pos + 4 + Math.max(len, 0)) {
                    buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, pos + 4 + len));
                }
                buf[pos++] = (byte) (len >>> 24);
                buf[pos++] = (byte) (len >>> 16);
                buf[pos++] = (byte) (len >>> 8);
                buf[pos++] = (byte) len;
                if (len > 0) {
                    in.readFully(buf, pos, len);
                }
                if (f == keyIndex) {
                    keyOff = pos;
                    keyLen = len;
                }
                pos += Math.max(len, 0);
            }
            read++;
            if (keyLen < 0) {
                throw new IOException("a row of " + t.displayName() + " has a null shard key (" + t.keyColumn().name()
                        + "); it cannot be placed");
            }
            if (buckets.containsKey(t.keyKind().fromBinary(buf, keyOff, keyLen))) {
                out.write(buf, 0, pos);
                written++;
                bytes += pos;
            }
        }
        while (in.read() >= 0) {
            // drain to the end of the COPY so the source connection is free again
        }
        out.write(new byte[] {(byte) 0xff, (byte) 0xff});
        return new Result(read, written, bytes + 2);
    }
}
