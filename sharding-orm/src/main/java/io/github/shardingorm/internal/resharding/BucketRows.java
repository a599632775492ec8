package io.github.shardingorm.internal.resharding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whole-table scans by bucket, on either shard: deleting the rows of the moved buckets (the
 * source's after the switch, the target's on rollback) and the per-bucket count and checksum
 * of {@code verify}. The bucket is computed here from the key (as routing does); the scans read
 * the table through a cursor, so memory stays flat.
 */
final class BucketRows {

    /** Per-bucket row count and an order-independent checksum (sum of the rows' text hashes). */
    record Digest(long rows, long checksum) {
    }

    private BucketRows() {
    }

    /** Deletes the rows of {@code buckets} in batches of {@code batch} rows, each batch committed; returns the count. */
    static long delete(Connection c, TableShape t, BucketSet buckets, int batch, long rowsPerSecond) throws SQLException {
        List<List<String>> pks = new ArrayList<>();
        scan(c, t, true, "", (key, pk, hash) -> {
            if (buckets.containsKey(key)) {
                pks.add(pk);
            }
        });
        long deleted = 0;
        long started = System.nanoTime();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < pks.size(); i += batch) {
                List<String> rows = new ArrayList<>();
                for (List<String> pk : pks.subList(i, Math.min(pks.size(), i + batch))) {
                    rows.add(t.pkLiteralRow(pk));
                }
                deleted += st.executeUpdate("DELETE FROM ONLY " + t.qualified() + " WHERE " + t.pkRow() + " IN ("
                        + String.join(", ", rows) + ")");
                Throttle.pace(started, deleted, rowsPerSecond);
            }
        } finally {
            c.setAutoCommit(auto);
        }
        return deleted;
    }

    /** Row count and checksum per bucket of {@code buckets}. */
    static Map<Integer, Digest> digest(Connection c, TableShape t, BucketSet buckets) throws SQLException {
        Map<Integer, long[]> acc = new HashMap<>();
        scan(c, t, false, ", hashtextextended(x::text, 0)", (key, pk, hash) -> {
            int b = buckets.bucketOf(key);
            if (buckets.contains(b)) {
                long[] a = acc.computeIfAbsent(b, k -> new long[2]);
                a[0]++;
                a[1] += hash;
            }
        });
        Map<Integer, Digest> out = new HashMap<>();
        acc.forEach((b, a) -> out.put(b, new Digest(a[0], a[1])));
        return out;
    }

    /**
     * {@link #digest} of {@code t} on each connection (connection i, buckets i) at once: each scan
     * is one server's work plus one thread parsing it, and one after the other they left a core
     * idle (a verify took longer than the copy it checks). The first runs on the calling thread.
     */
    static List<Map<Integer, Digest>> digests(List<Connection> cs, TableShape t, List<BucketSet> buckets) throws SQLException {
        List<java.util.concurrent.CompletableFuture<Map<Integer, Digest>>> others = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = cs.size() < 2 ? null : java.util.concurrent.Executors.newFixedThreadPool(
                cs.size() - 1, r -> {
                    Thread th = new Thread(r, "sharding-orm-verify");
                    th.setDaemon(true);
                    return th;
                });
        try {
            for (int i = 1; i < cs.size(); i++) {
                Connection c = cs.get(i);
                BucketSet b = buckets.get(i);
                others.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return digest(c, t, b);
                    } catch (SQLException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, pool));
            }
            List<Map<Integer, Digest>> out = new ArrayList<>();
            out.add(digest(cs.get(0), t, buckets.get(0)));
            for (java.util.concurrent.CompletableFuture<Map<Integer, Digest>> f : others) {
                try {
                    out.add(f.join());
                } catch (java.util.concurrent.CompletionException e) {
                    if (e.getCause() instanceof SQLException sql) {
                        throw sql;
                    }
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
            return out;
        } finally {
            if (pool != null) {
                // a failed first scan must not return while another thread still uses its connection
                for (java.util.concurrent.CompletableFuture<Map<Integer, Digest>> f : others) {
                    try {
                        f.join();
                    } catch (RuntimeException ignored) {
                        // reported above, or superseded by the first failure
                    }
                }
                pool.shutdown();
            }
        }
    }

    /** Primary key (joined as text) &rarr; row hash, for the rows of one bucket (to name differing rows). */
    static Map<String, Long> rowsOf(Connection c, TableShape t, BucketSet buckets, int bucket) throws SQLException {
        Map<String, Long> rows = new HashMap<>();
        scan(c, t, true, ", hashtextextended(x::text, 0)", (key, pk, hash) -> {
            if (buckets.bucketOf(key) == bucket) {
                rows.put(String.join(",", pk), hash);
            }
        });
        return rows;
    }

    private interface RowSink {
        void row(Object key, List<String> pk, long hash);
    }

    /** Scans in the connection's transaction when it has one (a snapshot to read at), else in its own. */
    private static void scan(Connection c, TableShape t, boolean withPk, String extra, RowSink sink) throws SQLException {
        boolean auto = c.getAutoCommit();
        if (auto) {
            c.setAutoCommit(false);
        }
        String sql = "SELECT " + t.keyExpression("x") + "::text" + (withPk ? ", " + t.pkAsText("x") : "") + extra
                + " FROM ONLY " + t.qualified() + " x";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                int n = withPk ? t.pk().size() : 0;
                while (rs.next()) {
                    if (rs.getString(1) == null) {
                        continue; // a collection row whose owner is gone belongs to no bucket
                    }
                    List<String> pk = withPk ? new ArrayList<>(n) : List.of();
                    for (int i = 0; i < n; i++) {
                        pk.add(rs.getString(i + 2));
                    }
                    sink.row(t.keyKind().fromText(rs.getString(1)), pk, extra.isEmpty() ? 0 : rs.getLong(n + 2));
                }
            }
            if (auto) {
                c.commit();
            }
        } finally {
            if (auto) {
                c.setAutoCommit(true);
            }
        }
    }
}
