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
        Map<Connection, Long> stripe = versions[(System.identityHashCode(physical) * 0x9E3779B9 >>> 28) & 15];
        Long had = stripe.get(physical);
        if (had == null || had != v) {
            try (Statement st = c.createStatement()) {
                st.execute("SET shorm.topology_version = " + v);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            stripe.put(physical, v);
        }
    }
}
