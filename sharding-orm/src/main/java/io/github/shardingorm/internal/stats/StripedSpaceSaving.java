package io.github.shardingorm.internal.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several {@link SpaceSaving} sketches ("stripes") of {@code capacity} counters each, one picked per
 * offer by the offering thread ({@link Stripes#ofCurrentThread()}), so that threads on different
 * stripes never wait for each other's lock; read by merging the stripes' counts.
 *
 * <h2>Merged estimate and its error bound</h2>
 * Let stripe s have received N<sub>s</sub> offers (N = &Sigma; N<sub>s</sub>) and let its floor
 * F<sub>s</sub> be its smallest count once all its m counters are taken (0 before). Space-Saving
 * guarantees per stripe: a counted item's count c<sub>s</sub> satisfies
 * c<sub>s</sub> &minus; e<sub>s</sub> &le; f<sub>s</sub> &le; c<sub>s</sub> with its error
 * e<sub>s</sub> &le; F<sub>s</sub>, an item not counted has f<sub>s</sub> &le; F<sub>s</sub>, and
 * F<sub>s</sub> &le; N<sub>s</sub> / m (the m counts sum to N<sub>s</sub>). The merged count of an
 * item is &Sigma;<sub>s</sub> (c<sub>s</sub> if counted in s, else F<sub>s</sub>) and its error
 * &Sigma;<sub>s</sub> (e<sub>s</sub> if counted, else F<sub>s</sub>). Summing the per-stripe bounds:
 * for every reported item, <b>count &minus; error &le; true count &le; count</b> and
 * <b>error &le; &Sigma; N<sub>s</sub> / m = N / m</b>, and every item whose true count exceeds
 * N / m is counted in some stripe, so it is reported. That is the bound of one sketch of m
 * counters (not of m &times; stripes), whatever the threads and however they spread over stripes.
 * {@link #merge} applies the same rule to any list of sketches (the statistics merge the
 * current and the previous period's stripes with it).
 *
 * <p>Memory: stripes &times; one sketch of {@code capacity} counters (5 KiB for 128) plus padding.
 */
public final class StripedSpaceSaving {

    private final SpaceSaving[] stripes;
    private final int capacity;

    public StripedSpaceSaving(int stripes, int capacity) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two but was " + stripes);
        }
        this.capacity = capacity;
        this.stripes = new SpaceSaving[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = SpaceSaving.padded(capacity);
        }
    }

    /** Counts one occurrence of {@code item} in the current thread's stripe. */
    public void offer(int item) {
        stripes[Stripes.ofCurrentThread() & (stripes.length - 1)].offer(item);
    }

    /** Counts one occurrence in stripe {@code stripe} (tests: a chosen spread over stripes). */
    void offer(int item, int stripe) {
        stripes[stripe & (stripes.length - 1)].offer(item);
    }

    /** Counters per stripe (the m of the error bound N / m). */
    public int capacity() {
        return capacity;
    }

    public int stripes() {
        return stripes.length;
    }

    public long offered() {
        long n = 0;
        for (SpaceSaving s : stripes) {
            n += s.offered();
        }
        return n;
    }

    public void clear() {
        for (SpaceSaving s : stripes) {
            s.clear();
        }
    }

    /** The merged estimate of every item counted in some stripe, highest count first. */
    public List<SpaceSaving.Entry> entries() {
        return merge(List.of(this));
    }

    /**
     * The merged estimates over every stripe of {@code sketches} (see the class comment): an item is
     * counted with its count where a stripe counts it and with the stripe's floor where it does not.
     */
    public static List<SpaceSaving.Entry> merge(List<StripedSpaceSaving> sketches) {
        List<SpaceSaving.Summary> summaries = new ArrayList<>();
        long floors = 0;
        for (StripedSpaceSaving sketch : sketches) {
            for (SpaceSaving s : sketch.stripes) {
                SpaceSaving.Summary summary = s.summary();
                summaries.add(summary);
                floors += summary.floor();
            }
        }
        // start every item at the sum of all floors; where a stripe counts it, replace that stripe's floor by its count
        Map<Integer, long[]> merged = new HashMap<>();
        for (SpaceSaving.Summary summary : summaries) {
            for (SpaceSaving.Entry e : summary.entries()) {
                long[] ce = merged.get(e.item());
                if (ce == null) {
                    ce = new long[] {floors, floors};
                    merged.put(e.item(), ce);
                }
                ce[0] += e.count() - summary.floor();
                ce[1] += e.error() - summary.floor();
            }
        }
        List<SpaceSaving.Entry> out = new ArrayList<>(merged.size());
        merged.forEach((item, ce) -> out.add(new SpaceSaving.Entry(item, ce[0], ce[1])));
        out.sort(Comparator.comparingLong(SpaceSaving.Entry::count).reversed().thenComparingInt(SpaceSaving.Entry::item));
        return out;
    }
}
