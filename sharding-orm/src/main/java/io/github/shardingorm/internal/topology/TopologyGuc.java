package io.github.shardingorm.internal.topology;

import io.github.shardingorm.ShardTopologyUnavailableException;
import io.github.shardingorm.internal.jdbc.ShardPools;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The writer's side of the fence, run on every connection checkout ({@link ShardPools.CheckoutHook}):
 * <ul>
 *   <li>a write connection is refused ({@link ShardTopologyUnavailableException}) when the topology
 *       could not be read for longer than the staleness bound;</li>
 *   <li>the connection carries this instance's topology version as {@code shorm.topology_version}:
 *       SET (its own committed transaction, so a later rollback cannot undo it) only when the
 *       physical connection last had another version. In steady state that is a volatile read, a
 *       time read and one map lookup: no round trip.</li>
 * </ul>
 */
final class TopologyGuc implements ShardPools.CheckoutHook {

    private final long staleAfterNanos;
    /**
     * The version each physical connection last had, in stripes by identity: one synchronized map was
     * the most contended lock of a 4-thread keyed workload (77 of 96 lock samples, issue 15's profile).
     */
    @SuppressWarnings("unchecked")
    private final Map<Connection, Long>[] versions = new Map[16];

    {
        for (int i = 0; i < versions.length; i++) {
            versions[i] = Collections.synchronizedMap(new WeakHashMap<>());
        }
    }
    private volatile long version;
    private volatile long lastReadNanos = System.nanoTime();
    private volatile Throwable lastFailure;

    TopologyGuc(long staleAfterMillis) {
        this.staleAfterNanos = staleAfterMillis * 1_000_000;
    }

    void version(long v) {
        this.version = v;
        this.versionChangedNanos = System.nanoTime();
    }

    /** When {@link #version(long)} last changed: a connection can carry an older version only if checked out before. */
    private volatile long versionChangedNanos = System.nanoTime();

    /**
     * How long after a version change {@link #beforeWrite} looks at the connection; a transaction
     * that was checked out longer before than this and writes now is left as it is (its write
     * statement is refused by a source's trigger when a fence requires the newer version, as
     * before, and retried).
     */
    private static final long CATCH_UP_WINDOW_NANOS = 60_000_000_000L;

    @Override
    public long writeVersion() {
        return version;
    }

    /**
     * Brings the version a connection carries up to {@code checkedAt} before a write statement
     * whose Java fence check passed at that version: {@code set_config} inside the transaction
     * (one round trip), only when the connection was checked out at an older version.
     *
     * <p>Why: a transaction that checked out its connection just before this instance adopted a
     * new version carries the older one. From the moment a source shard commits a fence version F,
     * its trigger refuses every write statement of a session below F, WHATEVER bucket it writes
     * (the trigger cannot compute buckets), so such a transaction's write to one of the source's
     * OTHER buckets was refused and the whole transaction retried: the slowest writes to the
     * source's other buckets during a move in OrmReshardingIT (two attempts, 214 ms against a p50
     * of 14 ms). Raising the version is truthful: this statement's Java check (fenced buckets,
     * owner) was made against routing state at least {@code checkedAt} (read before the check,
     * installed after the routing state, see the package note), and every later write statement of
     * the transaction is checked against a state at least as new. A stale instance is unaffected:
     * its {@code checkedAt} is its own old version.
     *
     * <p>The connection's entry in {@link #versions} is NOT updated: the transaction may still roll
     * back, which undoes the setting; the next checkout then sets it again.
     */
    @Override
    public void beforeWrite(Connection c, long checkedAt) throws SQLException {
        if (System.nanoTime() - versionChangedNanos > CATCH_UP_WINDOW_NANOS) {
            return;
        }
        Connection physical = c.unwrap(Connection.class);
        Long had = stripe(physical).get(physical);
        if (had != null && had >= checkedAt) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("SELECT set_config('shorm.topology_version', '" + checkedAt + "', false)");
        }
        broughtUpToDate.increment();
    }

    private final java.util.concurrent.atomic.LongAdder broughtUpToDate = new java.util.concurrent.atomic.LongAdder();

    /** How many write statements {@link #beforeWrite} raised the connection's version for (each would have met a refusal risk). */
    long broughtUpToDate() {
        return broughtUpToDate.sum();
    }

    private Map<Connection, Long> stripe(Connection physical) {
        return versions[(System.identityHashCode(physical) * 0x9E3779B9 >>> 28) & 15];
    }

    long version() {
        return version;
    }

    void readSucceeded() {
        lastReadNanos = System.nanoTime();
        lastFailure = null;
    }

    void readFailed(Throwable failure) {
        lastFailure = failure;
    }

    @Override
    public void onCheckout(String shardId, Connection c, boolean forWrite) throws SQLException {
        if (forWrite) {
            long since = System.nanoTime() - lastReadNanos;
            if (since > staleAfterNanos) {
                Throwable cause = lastFailure;
                throw new ShardTopologyUnavailableException("write to shard '" + shardId + "' refused: this instance could not read"
                        + " the stored topology for " + since / 1_000_000 + " ms (bound " + staleAfterNanos / 1_000_000
                        + " ms, sharding.topology.stale-after), so its shard map (version " + version + ") may be stale"
                        + (cause == null ? "" : "; last failure: " + cause.getMessage()), cause);
            }
        }
        long v = version;
        Connection physical = c.unwrap(Connection.class);
        Map<Connection, Long> stripe = stripe(physical);
        Long had = stripe.get(physical);
        if (had == null || had != v) {
            // in autocommit mode: one round trip. In a manual-commit connection the SET opened a transaction
            // (BEGIN + SET) and needed a COMMIT: two round trips for the first statement on each connection
            // after each version, 4 versions per move, on every shard's writers, moving or not
            boolean manual = !c.getAutoCommit();
            if (manual) {
                c.setAutoCommit(true); // idle at checkout: no round trip (an open transaction would be committed, as before)
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET shorm.topology_version = " + v);
            } finally {
                if (manual) {
                    c.setAutoCommit(false);
                }
            }
            stripe.put(physical, v);
        }
    }
}
