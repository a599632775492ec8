package io.github.shardingorm.internal.resharding;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyInputStream;

/**
 * Copies tables chunk after chunk with the source side and the target side overlapped: a reader
 * thread finds each chunk's bounds, streams it out of the source with binary COPY and routes
 * each tuple's bytes, while the calling thread streams them into the targets' COPY and, at each
 * chunk's end, lets the caller record and commit it. The target's backend (the bottleneck of a
 * copy: heap and index inserts) no longer idles while the next chunk's bounds are found, the
 * source's COPY starts and the Java filter parses; the reader runs ahead by at most
 * {@link #QUEUED_BLOCKS} blocks of {@link #BLOCK_BYTES} bytes, so memory stays bounded however
 * wide a row or large a chunk is.
 *
 * <p>What a crash can cost is unchanged: the chunk being written (uncommitted, not recorded) plus
 * what the reader had read ahead of it; chunks are recorded in order, so a resume starts after
 * the last recorded one. Stopping takes effect after the chunk in writing is committed. A
 * target that receives no row of a chunk gets no COPY (a half-bucket move over sparse key ranges
 * spares its round trips); its chunk is still reported, with zero rows.
 */
final class ChunkPipeline {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChunkPipeline.class);

    /** Bytes per block handed from the reader to the writer. */
    static final int BLOCK_BYTES = 256 * 1024;

    /** Blocks the reader may run ahead of the writer. */
    static final int QUEUED_BLOCKS = 16;

    /**
     * One table's chunks: those after {@code lower} (null: from the start), numbered from
     * {@code firstChunk}; {@code route} sends a key to a target (an index, {@link ChunkCopier#EVERY}
     * or {@link ChunkCopier#DROP}); {@code targets} says which targets take chunk n (false: it has it).
     */
    record TableRun(TableShape table, List<String> lower, int firstChunk, ToIntFunction<Object> route,
                    IntFunction<boolean[]> targets) {
    }

    /** Called on the writer thread when a chunk is in every target's open transaction: record it, commit. */
    @FunctionalInterface
    interface ChunkDone {
        /**
         * @param upper   the chunk's upper bound, null for the table's last chunk
         * @param results what each target received (null for a target left out of this chunk)
         */
        void done(TableRun run, int chunkNo, List<String> upper, long rowsRead, ChunkCopier.Result[] results)
                throws SQLException;
    }

    private sealed interface Item permits Block, ChunkEnd, Finished, Failed {
    }

    private record Block(int target, TableShape table, byte[] data, int length) implements Item {
    }

    private record ChunkEnd(TableRun run, int chunkNo, List<String> upper, long rowsRead, boolean[] targets, long[] rows,
                            long[] bytes) implements Item {
    }

    private record Finished() implements Item {
    }

    private record Failed(Throwable cause) implements Item {
    }

    private final Connection source;
    private final Connection[] targets;
    private final List<TableRun> runs;
    private final int chunkRows;
    private final String name;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUED_BLOCKS);
    private volatile boolean cancelled;
    /** Time the writer waited for the reader, and the reader for the writer (which side bounds the copy). */
    private long writerWaitNanos;
    private volatile long readerWaitNanos;

    private ChunkPipeline(Connection source, Connection[] targets, List<TableRun> runs, int chunkRows, String name) {
        this.source = source;
        this.targets = targets;
        this.runs = runs;
        this.chunkRows = chunkRows;
        this.name = name;
    }

    /**
     * Copies {@code runs} from {@code source} (in its snapshot transaction, used by the reader
     * thread only until this returns) into {@code targets} (each in a transaction the caller's
     * {@code done} commits). Returns true when every chunk is done, false when {@code stop} said
     * so (checked after each chunk). A failure of either side cancels the other and is thrown
     * with its cause; the targets' transactions are then the caller's to roll back.
     */
    static boolean copy(Connection source, Connection[] targets, List<TableRun> runs, int chunkRows, String name,
                        BooleanSupplier stop, ChunkDone done) throws SQLException {
        return new ChunkPipeline(source, targets, runs, chunkRows, name).run(stop, done);
    }

    private boolean run(BooleanSupplier stop, ChunkDone done) throws SQLException {
        Thread reader = new Thread(this::read, "sharding-orm-copy-" + name);
        reader.setDaemon(true);
        reader.start();
        CopyIn[] open = new CopyIn[targets.length];
        try {
            while (true) {
                Item item;
                try {
                    item = queue.poll();
                    if (item == null) {
                        long waited = System.nanoTime();
                        item = queue.take();
                        writerWaitNanos += System.nanoTime() - waited;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException(name + ": interrupted while copying", "57014", e);
                }
                if (item instanceof Block b) {
                    if (open[b.target()] == null) {
                        open[b.target()] = start(targets[b.target()], b.table());
                    }
                    open[b.target()].writeToCopy(b.data(), 0, b.length());
                } else if (item instanceof ChunkEnd end) {
                    ChunkCopier.Result[] results = new ChunkCopier.Result[targets.length];
                    for (int i = 0; i < targets.length; i++) {
                        if (open[i] != null) {
                            byte[] trailer = {(byte) 0xff, (byte) 0xff};
                            open[i].writeToCopy(trailer, 0, trailer.length);
                            open[i].endCopy();
                            open[i] = null;
                        }
                        if (end.targets()[i]) {
                            results[i] = new ChunkCopier.Result(end.rowsRead(), end.rows()[i],
                                    ChunkCopier.framingBytes() + end.bytes()[i]);
                        }
                    }
                    done.done(end.run(), end.chunkNo(), end.upper(), end.rowsRead(), results);
                    if (stop.getAsBoolean()) {
                        return false;
                    }
                } else if (item instanceof Failed f) {
                    throw f.cause() instanceof SQLException s ? s
                            : new SQLException(name + ": reading the source failed: " + f.cause().getMessage(), "58030", f.cause());
                } else {
                    return true;
                }
            }
        } finally {
            cancelled = true;
            queue.clear();
            join(reader);
            LOG.info("{}: copy pipeline done; the target side waited {} ms for the source side, the source side {} ms for the"
                    + " target side", name, writerWaitNanos / 1_000_000, readerWaitNanos / 1_000_000);
            for (CopyIn c : open) {
                if (c != null && c.isActive()) {
                    try {
                        c.cancelCopy();
                    } catch (SQLException e) {
                        // thrown from here it would replace the failure that brought us here; the caller rolls back anyway
                        LOG.debug("{}: cancelling a target's COPY failed: {}", name, e.toString());
                    }
                }
            }
        }
    }

    private static CopyIn start(Connection target, TableShape t) throws SQLException {
        CopyIn in = target.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + t.qualified() + " (" + t.columnList() + ") FROM STDIN (FORMAT binary)");
        byte[] header = ChunkCopier.header();
        in.writeToCopy(header, 0, header.length);
        return in;
    }

    private void join(Thread reader) {
        boolean interrupted = false;
        while (reader.isAlive()) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ reader thread

    private void read() {
        try {
            for (TableRun run : runs) {
                List<String> lower = run.lower();
                int chunkNo = run.firstChunk();
                while (true) {
                    if (cancelled) {
                        return;
                    }
                    List<String> upper = ChunkCopier.upperBound(source, run.table(), lower, chunkRows);
                    boolean[] to = run.targets().apply(chunkNo);
                    put(readChunk(run, chunkNo, lower, upper, to));
                    if (upper == null) {
                        break;
                    }
                    lower = upper;
                    chunkNo++;
                }
            }
            put(new Finished());
        } catch (Cancelled e) {
            // the writer gave up; it clears the queue and joins
        } catch (Throwable e) {
            try {
                put(new Failed(e));
            } catch (Cancelled ignored) {
                // the writer is gone already
            }
        }
    }

    private ChunkEnd readChunk(TableRun run, int chunkNo, List<String> lower, List<String> upper, boolean[] to)
            throws SQLException, Cancelled {
        TableShape t = run.table();
        String out = "COPY (SELECT " + t.copySelectList("x") + " FROM ONLY " + t.qualified() + " x WHERE "
                + ChunkCopier.rangeCondition(t, lower, upper) + ") TO STDOUT (FORMAT binary)";
        byte[][] blocks = new byte[targets.length][];
        int[] fill = new int[targets.length];
        long[] rows = new long[targets.length];
        long[] bytes = new long[targets.length];
        ToIntFunction<Object> route = run.route();
        CopyOut copyOut = source.unwrap(PGConnection.class).getCopyAPI().copyOut(out);
        long read;
        try (InputStream raw = new PGCopyInputStream(copyOut)) {
            read = ChunkCopier.tuples(new DataInputStream(new BufferedInputStream(raw, BLOCK_BYTES)), t, (key, buf, len) -> {
                if (cancelled) {
                    throw new CancelledIo();
                }
                int target = route.applyAsInt(key);
                if (target == ChunkCopier.DROP) {
                    return;
                }
                int from = target == ChunkCopier.EVERY ? 0 : target;
                int until = target == ChunkCopier.EVERY ? targets.length : target + 1;
                for (int i = from; i < until; i++) {
                    if (!to[i]) {
                        continue;
                    }
                    rows[i]++;
                    bytes[i] += len;
                    int off = 0;
                    while (off < len) {
                        if (blocks[i] == null) {
                            blocks[i] = new byte[BLOCK_BYTES];
                            fill[i] = 0;
                        }
                        int n = Math.min(len - off, BLOCK_BYTES - fill[i]);
                        System.arraycopy(buf, off, blocks[i], fill[i], n);
                        fill[i] += n;
                        off += n;
                        if (fill[i] == BLOCK_BYTES) {
                            putIo(new Block(i, t, blocks[i], fill[i]));
                            blocks[i] = null;
                        }
                    }
                }
            });
        } catch (CancelledIo e) {
            throw new Cancelled();
        } catch (IOException e) {
            throw new SQLException("copying " + t.displayName() + " rows " + ChunkCopier.rangeCondition(t, lower, upper)
                    + " failed: " + e.getMessage(), "58030", e);
        } finally {
            if (copyOut.isActive()) {
                copyOut.cancelCopy();
            }
        }
        for (int i = 0; i < targets.length; i++) {
            if (blocks[i] != null && fill[i] > 0) {
                put(new Block(i, t, blocks[i], fill[i]));
            }
        }
        return new ChunkEnd(run, chunkNo, upper, read, to, rows, bytes);
    }

    private void put(Item item) throws Cancelled {
        try {
            if (!queue.offer(item)) {
                long waited = System.nanoTime();
                while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    if (cancelled) {
                        throw new Cancelled();
                    }
                }
                readerWaitNanos += System.nanoTime() - waited;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled();
        }
        if (cancelled) {
            throw new Cancelled();
        }
    }

    private void putIo(Item item) throws CancelledIo {
        try {
            put(item);
        } catch (Cancelled e) {
            throw new CancelledIo();
        }
    }

    /** The writer gave up: the reader stops where it is. */
    private static final class Cancelled extends Exception {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    /** {@link Cancelled} through the tuple sink, which may only throw IOException. */
    private static final class CancelledIo extends IOException {
        CancelledIo() {
            super("cancelled");
        }
    }
}
