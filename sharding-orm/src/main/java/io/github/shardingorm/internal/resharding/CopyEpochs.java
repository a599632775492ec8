package io.github.shardingorm.internal.resharding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which decoded changes a target row still needs, when the copy ran from more than one snapshot.
 *
 * <h2>Design note</h2>
 * A move copies from the snapshot its slot exported (epoch 1, at the slot's consistent point
 * L1) and then applies every change committed after L1. When the mover dies during the copy,
 * that snapshot is gone; the resumed copy takes a new one from a temporary slot (epoch 2 at
 * L2 &gt; L1) and continues with the next chunk. The rows of a table then come from different
 * points: chunks of epoch 1 cover primary keys up to U1 at L1, later chunks cover the rest at L2.
 * Replaying a change committed in [L1, L2) onto a row copied at L2 would apply old data to newer
 * data, which can break secondary UNIQUE constraints on the way; so such a change is applied only
 * to primary keys up to U1. In general, for a change committed at x, let k be the last epoch with
 * Lk &lt;= x; if k is the last epoch every row needs it; otherwise only primary keys up to the upper
 * bound of the table's last chunk of an epoch &lt;= k (all of them if that chunk was the table's
 * last, none if there is no such chunk). The bound is compared by PostgreSQL itself (a row
 * comparison in the applied statement), so the order is the primary-key index's order that made
 * the chunks.
 */
final class CopyEpochs {

    /** The decision for one change. */
    record Bound(boolean skip, List<String> upper) {
        static final Bound ALL = new Bound(false, null);
        static final Bound NONE = new Bound(true, null);
    }

    private final long[] snapshotLsns;
    private final Map<String, List<MoveJobStore.ChunkRow>> chunks;

    CopyEpochs(List<long[]> epochs, Map<String, List<MoveJobStore.ChunkRow>> chunks) {
        this.snapshotLsns = new long[epochs.size()];
        for (int i = 0; i < epochs.size(); i++) {
            if (epochs.get(i)[0] != i + 1) {
                throw new IllegalStateException("copy epochs must be numbered 1.." + epochs.size() + " but were "
                        + epochs.stream().map(e -> e[0]).toList());
            }
            snapshotLsns[i] = epochs.get(i)[1];
        }
        this.chunks = chunks;
    }

    int count() {
        return snapshotLsns.length;
    }

    Bound bound(String table, long commitLsn) {
        int k = 0;
        for (int i = 0; i < snapshotLsns.length; i++) {
            if (snapshotLsns[i] <= commitLsn) {
                k = i + 1;
            }
        }
        if (k == 0) {
            return Bound.NONE;
        }
        if (k == snapshotLsns.length) {
            return Bound.ALL;
        }
        MoveJobStore.ChunkRow last = null;
        for (MoveJobStore.ChunkRow c : chunks.getOrDefault(table, new ArrayList<>())) {
            if (c.epoch() <= k) {
                last = c;
            }
        }
        if (last == null) {
            return Bound.NONE;
        }
        return last.upper() == null ? Bound.ALL : new Bound(false, last.upper());
    }
}
