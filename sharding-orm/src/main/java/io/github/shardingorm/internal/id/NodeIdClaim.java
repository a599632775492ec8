package io.github.shardingorm.internal.id;

/**
 * This instance's claim to a {@code @ShardedId} node id, which the id sequence reads on every id.
 *
 * <h2>Design note</h2>
 * With the stored topology the node id is LEASED from the home shard ({@code internal.topology.NodeLeases}):
 * unique among live instances, renewed with the heartbeat, reclaimed after the lease timeout. Each
 * lease row also holds a high-water mark: the time (this JVM's id clock, ms) up to which ids MAY
 * have been issued under that node id. An instance issues ids only up to its reservation
 * ({@link #reservedUntilMillis()}), which renewals keep a window ahead of the clock and which
 * {@link #reserve} extends synchronously when the clock gets there first. A new holder of the node
 * id (a restart, another instance after expiry) starts its clock at the stored mark + 1
 * ({@link #floorMillis()}), so a clock that went back never repeats an id, not even across a restart.
 * Without the stored topology the claim is the configured node id, unchecked ({@link #fixed}).
 */
public final class NodeIdClaim {

    /** Extends the reservation in the store; returns the new reservation (ms). */
    @FunctionalInterface
    public interface Reserver {
        long reserveThrough(long millis);
    }

    private volatile int nodeId;
    private volatile long floorMillis;
    private volatile long reservedUntilMillis;
    private volatile Reserver reserver;
    private volatile String refusal;

    private NodeIdClaim(int nodeId, long floorMillis, long reservedUntilMillis, String refusal) {
        this.nodeId = nodeId;
        this.floorMillis = floorMillis;
        this.reservedUntilMillis = reservedUntilMillis;
        this.refusal = refusal;
    }

    /** A configured node id, no lease (the topology is not stored, or a plain SessionFactory). */
    public static NodeIdClaim fixed(int nodeId) {
        return new NodeIdClaim(nodeId, 0, Long.MAX_VALUE, null);
    }

    /** The lease was granted: node id, the clock floor (the previous holder's mark + 1), the reservation. */
    public synchronized void grant(int id, long floor, long reservedUntil, Reserver store) {
        this.nodeId = id;
        this.floorMillis = floor;
        this.reservedUntilMillis = reservedUntil;
        this.reserver = store;
        this.refusal = null;
    }

    /** A renewal moved the reservation (never backwards). */
    public synchronized void extended(long reservedUntil) {
        if (reservedUntil > reservedUntilMillis) {
            reservedUntilMillis = reservedUntil;
        }
    }

    /** The lease is lost (expired and taken, or not renewable): ids are refused with {@code why}. */
    public void revoke(String why) {
        refusal = why;
    }

    /** The node id; throws when the lease is lost. */
    public int nodeId() {
        String why = refusal;
        if (why != null) {
            throw new IllegalStateException("no @ShardedId can be issued: " + why);
        }
        return nodeId;
    }

    /** The lowest wall-clock ms this holder may use. */
    public long floorMillis() {
        return floorMillis;
    }

    public long reservedUntilMillis() {
        return reservedUntilMillis;
    }

    /** Makes sure ids at {@code millis} (wall ms) are reserved; may write to the home shard. */
    public void reserve(long millis) {
        if (millis <= reservedUntilMillis) {
            return;
        }
        synchronized (this) {
            if (millis <= reservedUntilMillis) {
                return;
            }
            Reserver r = reserver;
            if (r == null) {
                throw new IllegalStateException("no @ShardedId can be issued at " + millis + ": the node-id lease reserves only up to "
                        + reservedUntilMillis);
            }
            reservedUntilMillis = Math.max(reservedUntilMillis, r.reserveThrough(millis));
        }
    }
}
