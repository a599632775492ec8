package io.github.shardingorm.health;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Read-your-writes across threads, instances and HTTP requests: for each shard, the WAL position
 * (LSN) of the last write the holder has seen committed. A replica serves a read of that shard only
 * when it has replayed at least that far; otherwise the read waits a bounded time for it, or reads
 * the primary.
 *
 * <p>Immutable. {@link #toString()} is the portable form ({@code s0=16B374D8,s1=3000060}: shard id,
 * {@code =}, the LSN in hex); {@link #parse(String)} reads it back. Safe in an HTTP header.
 */
public final class ConsistencyToken {

    /** Has seen no write. */
    public static final ConsistencyToken NONE = new ConsistencyToken(Map.of());

    private final Map<String, Long> positions;

    private ConsistencyToken(Map<String, Long> positions) {
        this.positions = positions;
    }

    /**
     * A token with the given WAL positions.
     *
     * @param positions shard id to LSN; not null, LSNs not negative
     */
    public static ConsistencyToken of(Map<String, Long> positions) {
        Objects.requireNonNull(positions, "positions");
        TreeMap<String, Long> copy = new TreeMap<>();
        positions.forEach((shard, lsn) -> {
            checkShardId(shard);
            if (lsn == null || lsn < 0) {
                throw new IllegalArgumentException("the WAL position of shard '" + shard + "' must be >= 0 but was " + lsn);
            }
            if (lsn > 0) {
                copy.put(shard, lsn);
            }
        });
        return copy.isEmpty() ? NONE : new ConsistencyToken(Collections.unmodifiableMap(copy));
    }

    /**
     * Reads the form of {@link #toString()}; the empty string is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    public static ConsistencyToken parse(String text) {
        Objects.requireNonNull(text, "text");
        TreeMap<String, Long> positions = new TreeMap<>();
        if (!text.isBlank()) {
            for (String part : text.trim().split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0 || eq == part.length() - 1) {
                    throw new IllegalArgumentException("malformed consistency token '" + text + "': '" + part + "' is not shard=LSN");
                }
                String shard = part.substring(0, eq);
                checkShardId(shard);
                try {
                    positions.merge(shard, Long.parseUnsignedLong(part.substring(eq + 1), 16), Math::max);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("malformed consistency token '" + text + "': '" + part.substring(eq + 1)
                            + "' is not a hexadecimal LSN", e);
                }
            }
        }
        return of(positions);
    }

    /** The WAL position seen on {@code shardId}, 0 when none. */
    public long position(String shardId) {
        Long lsn = positions.get(shardId);
        return lsn == null ? 0 : lsn;
    }

    /** The positions, by shard id. */
    public Map<String, Long> positions() {
        return positions;
    }

    /** The later position of each shard of this token and {@code other}. */
    public ConsistencyToken merge(ConsistencyToken other) {
        Objects.requireNonNull(other, "other");
        if (other.positions.isEmpty()) {
            return this;
        }
        if (positions.isEmpty()) {
            return other;
        }
        TreeMap<String, Long> merged = new TreeMap<>(positions);
        other.positions.forEach((shard, lsn) -> merged.merge(shard, lsn, Math::max));
        return new ConsistencyToken(Collections.unmodifiableMap(merged));
    }

    /** This token with {@code shardId} at least at {@code lsn}. */
    public ConsistencyToken with(String shardId, long lsn) {
        if (lsn <= position(shardId)) {
            return this;
        }
        TreeMap<String, Long> next = new TreeMap<>(positions);
        next.put(shardId, lsn);
        return new ConsistencyToken(Collections.unmodifiableMap(next));
    }

    public boolean isEmpty() {
        return positions.isEmpty();
    }

    private static void checkShardId(String shard) {
        if (shard == null || !shard.matches("[A-Za-z0-9_-]{1,63}")) {
            throw new IllegalArgumentException("'" + shard + "' is not a shard id (1-63 letters, digits, '_' or '-')");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsistencyToken t && t.positions.equals(positions);
    }

    @Override
    public int hashCode() {
        return positions.hashCode();
    }

    /** The portable form, e.g. {@code s0=16B374D8,s1=3000060}; empty for {@link #NONE}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        positions.forEach((shard, lsn) -> {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(shard).append('=').append(Long.toHexString(lsn).toUpperCase(java.util.Locale.ROOT));
        });
        return sb.toString();
    }
}
