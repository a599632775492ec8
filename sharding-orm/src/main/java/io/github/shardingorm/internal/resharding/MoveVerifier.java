package io.github.shardingorm.internal.resharding;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares the moved buckets on source and target: per bucket and table, the row count and an
 * order-independent checksum (the sum of {@code hashtextextended(row::text)}, so equal rows give
 * equal sums whatever their physical order). A differing bucket is named with up to five
 * primary keys that differ. Meaningful only where neither side changes: while fenced, or after
 * the switch for a bucket whose rows are still on the source.
 */
final class MoveVerifier {

    private static final int SAMPLE = 5;

    private MoveVerifier() {
    }

    static List<String> compare(Connection source, Connection target, List<TableShape> tables, BucketSet buckets)
            throws SQLException {
        List<String> mismatches = new ArrayList<>();
        for (TableShape t : tables) {
            List<Map<Integer, BucketRows.Digest>> d = BucketRows.digests(List.of(source, target), t, List.of(buckets, buckets));
            mismatches.addAll(compare(source, d.get(0), target, d.get(1), t, buckets));
        }
        return mismatches;
    }

    /**
     * Compares one table's target digest of {@code buckets} with a source digest (of these buckets or
     * more: an import digests the monolith once and compares every shard with its share); the
     * connections name the differing rows.
     */
    static List<String> compare(Connection source, Map<Integer, BucketRows.Digest> sourceDigest, Connection target,
                                Map<Integer, BucketRows.Digest> d, TableShape t, BucketSet buckets) throws SQLException {
        List<String> mismatches = new ArrayList<>();
        TreeSet<Integer> all = new TreeSet<>(d.keySet());
        sourceDigest.keySet().stream().filter(buckets::contains).forEach(all::add);
        for (int b : all) {
            BucketRows.Digest a = sourceDigest.getOrDefault(b, new BucketRows.Digest(0, 0));
            BucketRows.Digest z = d.getOrDefault(b, new BucketRows.Digest(0, 0));
            if (!a.equals(z)) {
                mismatches.add("bucket " + b + ", table " + t.displayName() + ": source " + a.rows() + " rows, target "
                        + z.rows() + " rows" + (a.rows() == z.rows() ? " (checksums differ)" : "") + "; differing ("
                        + t.pkNames() + "): " + differing(source, target, t, buckets, b));
            }
        }
        return mismatches;
    }

    private static List<String> differing(Connection source, Connection target, TableShape t, BucketSet buckets, int bucket)
            throws SQLException {
        Map<String, Long> s = BucketRows.rowsOf(source, t, buckets, bucket);
        Map<String, Long> d = BucketRows.rowsOf(target, t, buckets, bucket);
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Long> e : s.entrySet()) {
            if (!e.getValue().equals(d.get(e.getKey())) && keys.size() < SAMPLE) {
                keys.add("(" + e.getKey() + ")" + (d.containsKey(e.getKey()) ? " differs" : " missing on target"));
            }
        }
        for (String k : d.keySet()) {
            if (!s.containsKey(k) && keys.size() < SAMPLE) {
                keys.add("(" + k + ") only on target");
            }
        }
        return keys;
    }
}
