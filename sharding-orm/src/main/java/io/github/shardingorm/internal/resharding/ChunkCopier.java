package io.github.shardingorm.internal.resharding;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

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
 * wrote it. Binary array and composite values carry type OIDs, which differ between databases
 * for user-defined and extension types; PostgreSQL 15 accepts them anyway when the types match by
 * definition (checked 2026-12-02 between two databases with shifted OIDs: an enum array, a
 * composite holding an enum, citext[] and hstore[] all copied; a real mismatch, int[] into text[],
 * is refused with "binary data has array element type 23 (integer) instead of expected 25 (text)").
 * Chunks are primary-key ranges found by keyset ({@code OFFSET n-1 LIMIT 1} on the primary-key
 * index) so each chunk costs an index range scan, and the caller copies a chunk and records it
 * in ONE target transaction. {@link ChunkPipeline} runs the source side of the next
 * chunk while the target writes the last.
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
        // ORDER BY names the columns qualified: unqualified, "id" would be the OUTPUT column
        // "id"::text (PostgreSQL resolves a bare ORDER BY name to an output column first), i.e. a
        // sort of every remaining row in text order (quadratic over a table's chunks, and chunks
        // far larger than chunkRows: '1' < '10' < '100' < '1000' < '1001' ...)
        String sql = "SELECT " + t.pkAsText("x") + " FROM ONLY " + t.qualified() + " x"
                + (lower == null ? "" : " WHERE " + t.pkRow("x") + " > " + t.pkParamRow())
                + " ORDER BY " + t.pkOrder("x") + " OFFSET " + (chunkRows - 1) + " LIMIT 1";
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

    /** A route: the row goes to every target. */
    static final int EVERY = -1;

    /** A route: the row goes nowhere. */
    static final int DROP = -2;

    /** Parses a binary COPY stream and writes the tuples whose key is in {@code buckets}. */
    static Result filter(DataInputStream in, OutputStream out, TableShape t, BucketSet buckets) throws IOException {
        writeHeader(out);
        long[] counts = new long[2];
        long read = tuples(in, t, (key, buf, len) -> {
            if (buckets.containsKey(key)) {
                out.write(buf, 0, len);
                counts[0]++;
                counts[1] += len;
            }
        });
        writeTrailer(out);
        return new Result(read, counts[0], SIGNATURE.length + 8L + counts[1] + 2);
    }

    /** Receives each tuple of a binary COPY stream: its normalized shard key and its bytes {@code buf[0, len)}. */
    @FunctionalInterface
    interface TupleSink {
        void tuple(Object key, byte[] buf, int len) throws IOException;
    }

    /** The binary COPY header (signature, flags, no extension). */
    static byte[] header() {
        byte[] h = new byte[SIGNATURE.length + 8];
        System.arraycopy(SIGNATURE, 0, h, 0, SIGNATURE.length);
        return h;
    }

    /** Writes the binary COPY header (signature, flags, no extension). */
    static void writeHeader(OutputStream out) throws IOException {
        out.write(SIGNATURE);
        out.write(new byte[8]);
    }

    /** Writes the binary COPY trailer. */
    static void writeTrailer(OutputStream out) throws IOException {
        out.write(new byte[] {(byte) 0xff, (byte) 0xff});
    }

    /** Bytes of a header plus trailer. */
    static long framingBytes() {
        return SIGNATURE.length + 8L + 2;
    }

    /**
     * Parses a binary COPY stream of {@code t}'s columns and hands each tuple, with its shard key
     * read from the binary field, to {@code sink} (the bytes are reused for the next tuple);
     * returns the number of tuples read. The stream is drained to its end.
     */
    static long tuples(DataInputStream in, TableShape t, TupleSink sink) throws IOException {
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
        byte[] buf = new byte[8192];
        long read = 0;
        int keyIndex = t.keyIndex();
        // a collection table's key is its owner's, selected as an extra last field: read, then cut off
        boolean extraKey = t.owner() != null;
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
            int lastFieldStart = pos;
            for (int f = 0; f < fields; f++) {
                lastFieldStart = pos;
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
                throw new IOException("a row of " + t.displayName() + " has a null shard key (" + t.keyDescription()
                        + (extraKey ? "; its owner row is missing" : "") + "); it cannot be placed");
            }
            Object key = t.keyKind().fromBinary(buf, keyOff, keyLen);
            if (extraKey) {
                buf[0] = (byte) ((fields - 1) >>> 8);
                buf[1] = (byte) (fields - 1);
                pos = lastFieldStart;
            }
            sink.tuple(key, buf, pos);
        }
        while (in.read() >= 0) {
            // drain to the end of the COPY so the source connection is free again
        }
        return read;
    }
}
