package io.github.shardingorm.routing;

import java.util.Objects;

/**
 * The state of one bucket in the stored topology. A bucket is {@link Phase#SERVING} on the shard
 * the map gives it, except while online resharding moves it from {@link #from()} to {@link #to()}:
 * {@link Phase#MOVING} (copying, writes allowed, still mapped to {@code from}), {@link Phase#FENCED}
 * (the final stage of MOVING: no write reaches {@code from}, still mapped to it),
 * {@link Phase#MOVED} (mapped to {@code to}; {@code from} keeps a fence until its copies are gone).
 *
 * @param phase the phase; never null
 * @param from  the source shard; null when SERVING
 * @param to    the target shard; null when SERVING
 */
public record BucketState(Phase phase, String from, String to) {

    /** The phases of a bucket, in the order a move goes through them. */
    public enum Phase { SERVING, MOVING, FENCED, MOVED }

    /** The state of every bucket that is not moving. */
    public static final BucketState SERVING = new BucketState(Phase.SERVING, null, null);

    public BucketState {
        Objects.requireNonNull(phase, "phase");
        if ((phase == Phase.SERVING) != (from == null && to == null) || (phase != Phase.SERVING && (from == null || to == null))) {
            throw new IllegalArgumentException("bucket state " + phase + " needs " + (phase == Phase.SERVING ? "no" : "both")
                    + " shards but got from=" + from + ", to=" + to);
        }
    }

    /** A moving state, e.g. {@code moving(MOVING, "s0", "s2")}. */
    public static BucketState of(Phase phase, String from, String to) {
        return phase == Phase.SERVING ? SERVING : new BucketState(phase, from, to);
    }

    @Override
    public String toString() {
        return phase == Phase.SERVING ? "SERVING" : phase + "(" + from + "->" + to + ")";
    }
}
