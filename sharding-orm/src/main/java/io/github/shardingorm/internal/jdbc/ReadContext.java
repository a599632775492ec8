package io.github.shardingorm.internal.jdbc;

import io.github.shardingorm.health.ConsistencyToken;
import io.github.shardingorm.health.ReadFrom;

/**
 * What the current thread's read-only work asks of the replica choice: the per-call read-from and
 * lag limit (set around one call, restored in {@code finally} by {@link Scope#close()}), and the
 * thread's consistency token: the writes this thread committed or adopted, so that its later
 * reads never see a replica behind them.
 *
 * <p>The token is the one deliberate per-thread state that outlives a call: it is the default
 * scope of read-your-writes (a thread that wrote reads its writes). It only makes reads more
 * careful, never less; {@link #withToken} replaces it for an explicit scope, and
 * {@link #resetToken()} drops it (e.g. at the end of a request on a pooled thread).
 */
public final class ReadContext {

    private static final ThreadLocal<ReadContext> CURRENT = ThreadLocal.withInitial(ReadContext::new);

    private ReadFrom readFrom;
    private long maxLagMillis = -1;
    private ConsistencyToken token = ConsistencyToken.NONE;
    /** The writes recorded since the innermost {@link #withToken} scope opened (all of them outside one). */
    private ConsistencyToken written = ConsistencyToken.NONE;
    /** A replica served a read-only connection since {@link #takeServedByReplica()} last ran (the meters' role). */
    private boolean servedByReplica;

    private ReadContext() {
    }

    /** Restores what a {@code with...} call replaced. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    static ReadContext current() {
        return CURRENT.get();
    }

    /** The per-call read-from, or null for the configured default. */
    ReadFrom readFrom() {
        return readFrom;
    }

    /** The per-call lag limit in ms, or -1 for the configured default. */
    long maxLagMillis() {
        return maxLagMillis;
    }

    /** The token's position for {@code shard}, 0 when none. */
    long tokenPosition(String shard) {
        return token.position(shard);
    }

    /** Sets the per-call read-from and lag limit (null / negative: the default) until the scope closes. */
    public static Scope with(ReadFrom readFrom, long maxLagMillis) {
        ReadContext c = current();
        ReadFrom previousFrom = c.readFrom;
        long previousLag = c.maxLagMillis;
        c.readFrom = readFrom;
        c.maxLagMillis = maxLagMillis;
        return () -> {
            c.readFrom = previousFrom;
            c.maxLagMillis = previousLag;
        };
    }

    /** What another thread needs to read as this one would: read-from, lag limit, token. */
    public record Snapshot(ReadFrom readFrom, long maxLagMillis, ConsistencyToken token) {
        /** Applies this on the current thread until the scope closes (the token included, as with {@link #withToken}). */
        public Scope apply() {
            ReadContext c = current();
            ReadFrom previousFrom = c.readFrom;
            long previousLag = c.maxLagMillis;
            ConsistencyToken previousToken = c.token;
            c.readFrom = readFrom;
            c.maxLagMillis = maxLagMillis;
            c.token = token;
            return () -> {
                c.readFrom = previousFrom;
                c.maxLagMillis = previousLag;
                c.token = previousToken;
            };
        }
    }

    /** The current thread's read settings, to apply on a worker thread. */
    public static Snapshot capture() {
        ReadContext c = current();
        return new Snapshot(c.readFrom, c.maxLagMillis, c.token);
    }

    /** The thread's consistency token. */
    public static ConsistencyToken token() {
        return current().token;
    }

    /**
     * Replaces the thread's token until the scope closes; writes inside it extend the replacement
     * and, once the scope closes, the restored token too (the thread saw them: its later reads
     * must not miss them).
     */
    public static Scope withToken(ConsistencyToken token) {
        ReadContext c = current();
        ConsistencyToken previous = c.token;
        ConsistencyToken previousWritten = c.written;
        c.token = token;
        c.written = ConsistencyToken.NONE;
        return () -> {
            ConsistencyToken inside = c.written;
            c.token = previous.merge(inside);
            c.written = previousWritten.merge(inside);
        };
    }

    /** Adds {@code token}'s positions to the thread's token. */
    public static void adopt(ConsistencyToken token) {
        ReadContext c = current();
        c.token = c.token.merge(token);
    }

    /** The thread committed a write on {@code shard} at {@code lsn}. */
    public static void recordWrite(String shard, long lsn) {
        ReadContext c = current();
        c.token = c.token.with(shard, lsn);
        c.written = c.written.with(shard, lsn);
    }

    /** A replica's connection was handed out on this thread. */
    static void servedByReplica() {
        current().servedByReplica = true;
    }

    /** Whether a replica served a connection on this thread since the last call; clears the mark. */
    public static boolean takeServedByReplica() {
        ReadContext c = current();
        boolean served = c.servedByReplica;
        c.servedByReplica = false;
        return served;
    }

    /** Forgets the thread's token. */
    public static void resetToken() {
        ReadContext c = current();
        c.token = ConsistencyToken.NONE;
        c.written = ConsistencyToken.NONE;
    }
}
