package io.github.shardingorm.it.resharding;

import io.github.shardingorm.internal.resharding.BucketMove;
import io.github.shardingorm.internal.resharding.BucketSet;
import io.github.shardingorm.internal.resharding.MoveOptions;
import io.github.shardingorm.internal.resharding.MovedTable;
import io.github.shardingorm.resharding.ReshardingPhase;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The mover's throughput on this machine, source and target each on its own private server
 * ({@code wal_level=logical}, fsync off): copy rows/s for narrow rows and for post-like rows
 * (moving every bucket, and half of them, where the filter drops half of what is read);
 * catch-up changes/s for a backlog of updates; and the write pause at the switch under 4
 * writers (moved buckets and the others, and the others in a run without a move).
 *
 * <p>Not part of the default build. Run:
 * <pre>
 * mvn -o -pl sharding-orm-test -am verify -Dit.test=ReshardingBenchmark -Dshardingorm.bench=true \
 *     -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.rows=1000000] [-Dbench.chunkRows=20000]
 * </pre>
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "shardingorm.bench", matches = "true", disabledReason = "a benchmark: run with -Dshardingorm.bench=true")
@PostgresServers(count = 2, settings = {"wal_level=logical", "max_replication_slots=10", "max_wal_senders=10",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=256MB", "max_wal_size=4GB"})
class ReshardingBenchmark {

    private static final Set<Integer> ALL = new TreeSet<>(IntStream.range(0, 64).boxed().toList());
    private static final Set<Integer> HALF = new TreeSet<>(IntStream.range(0, 32).boxed().toList());

    @Test
    void moverThroughputAndSwitchPause(PostgresServerGroup servers) throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        servers.get(0).createDatabase("bsrc");
        servers.get(1).createDatabase("btgt");
        ReshardFixture.Shard src = new ReshardFixture.Shard("s0", servers.get(0).jdbcUrl("bsrc"), servers.get(0).username(), "");
        ReshardFixture.Shard tgt = new ReshardFixture.Shard("s1", servers.get(1).jdbcUrl("btgt"), servers.get(1).username(), "");
        for (ReshardFixture.Shard s : List.of(src, tgt)) {
            exec(s, "CREATE TABLE narrow (id bigint PRIMARY KEY, k bigint NOT NULL, v int NOT NULL)",
                    "CREATE TABLE bposts (id bigint PRIMARY KEY, author_id bigint NOT NULL, title text NOT NULL, body text NOT NULL,"
                            + " created_at timestamptz NOT NULL)",
                    "CREATE INDEX bposts_author ON bposts (author_id)");
        }
        exec(src, "INSERT INTO narrow SELECT g, g::bigint * 7919, g % 1000 FROM generate_series(1, " + rows + ") g",
                "INSERT INTO bposts SELECT g, g / 3, 'title of post ' || g, repeat(md5(g::text), 6), now() - g * interval '1 second'"
                        + " FROM generate_series(1, " + rows / 3 + ") g",
                "VACUUM ANALYZE narrow", "VACUUM ANALYZE bposts");
        for (String table : List.of("narrow", "bposts")) {
            exec(tgt, "TRUNCATE " + table);
            long start = System.nanoTime();
            long copied;
            try (Connection a = src.connect(); Connection b = tgt.connect()) {
                org.postgresql.copy.CopyIn in = b.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                        .copyIn("COPY " + table + " FROM STDIN (FORMAT binary)");
                try (java.io.OutputStream out = new org.postgresql.copy.PGCopyOutputStream(in, 256 * 1024)) {
                    a.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut("COPY " + table + " TO STDOUT (FORMAT binary)", out);
                }
                copied = table.equals("narrow") ? rows : rows / 3;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("BENCH baseline: one plain binary COPY of %s source -> target, no filter, no chunks: %,d rows in %.2f s = %,.0f rows/s%n",
                    table, copied, seconds, copied / seconds);
        }
        // what the two cores give when the copy is split in key ranges (the mover copies one range at a time)
        for (int par : new int[] {2}) {
            for (String table : List.of("narrow", "bposts")) {
                exec(tgt, "TRUNCATE " + table);
                long n = table.equals("narrow") ? rows : rows / 3;
                long start = System.nanoTime();
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(par);
                List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < par; i++) {
                    long lo = n * i / par, hi = n * (i + 1) / par;
                    fs.add(pool.submit(() -> {
                        try (Connection a = src.connect(); Connection b = tgt.connect()) {
                            org.postgresql.copy.CopyIn in = b.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                                    .copyIn("COPY " + table + " FROM STDIN (FORMAT binary)");
                            try (java.io.OutputStream out = new org.postgresql.copy.PGCopyOutputStream(in, 256 * 1024)) {
                                a.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM " + table
                                        + " WHERE id > " + lo + " AND id <= " + hi + ") TO STDOUT (FORMAT binary)", out);
                            }
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : fs) {
                    f.get();
                }
                pool.shutdown();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("BENCH baseline: %d parallel plain binary COPY pipes of %s: %,d rows in %.2f s = %,.0f rows/s%n",
                        par, table, n, seconds, n / seconds);
            }
        }
        String[] owners = new String[64];
        java.util.Arrays.fill(owners, "s0");
        List<ReshardFixture.Shard> shards = List.of(src, tgt);
        int run = 0;
        for (String table : List.of("narrow:k", "bposts:author_id")) {
            for (Set<Integer> buckets : List.of(ALL, HALF)) {
                exec(tgt, "TRUNCATE " + table.split(":")[0]);
                GuardTopology topology = fresh(shards, owners, run);
                long[] copy = new long[3];
                BucketMove move = new BucketMove(new BucketMove.Spec("b" + run, src.definition(), tgt.definition(),
                        new BucketSet(64, buckets), List.of(MovedTable.parse(table))), topology,
                        MoveOptions.DEFAULTS.withChunkRows(Integer.getInteger("bench.chunkRows", MoveOptions.DEFAULTS.chunkRows()))
                                .withDeleteSourceRows(false).withVerifyBeforeSwitch(false), p -> {
                            if (p.phase() == ReshardingPhase.COPYING && copy[0] == 0) {
                                copy[0] = System.nanoTime();
                            }
                            if (p.phase() == ReshardingPhase.CATCHING_UP && copy[1] == 0) {
                                copy[1] = System.nanoTime();
                                copy[2] = p.rowsCopied();
                            }
                        });
                move.run();
                double seconds = (copy[1] - copy[0]) / 1e9;
                System.out.printf("BENCH copy %s, %d of 64 buckets: %,d rows written in %.2f s = %,.0f rows/s written (%,.0f rows/s read)%n",
                        table, buckets.size(), copy[2], seconds, copy[2] / seconds,
                        (table.startsWith("narrow") ? rows : rows / 3) / seconds);
                drop(src, "b" + run);
                run++;
            }
        }
        catchUp(src, tgt, shards, owners, run++);
    }

    private void catchUp(ReshardFixture.Shard src, ReshardFixture.Shard tgt, List<ReshardFixture.Shard> shards, String[] owners,
                         int run) throws Exception {
        exec(tgt, "TRUNCATE narrow");
        GuardTopology topology = fresh(shards, owners, run);
        BucketMove[] move = new BucketMove[1];
        long[] t = new long[4];
        move[0] = new BucketMove(new BucketMove.Spec("b" + run, src.definition(), tgt.definition(), new BucketSet(64, ALL),
                List.of(MovedTable.parse("narrow:k"))), topology,
                MoveOptions.DEFAULTS.withDeleteSourceRows(false).withVerifyBeforeSwitch(false), p -> {
                    if (p.phase() == ReshardingPhase.CATCHING_UP && t[0] == 0) {
                        t[0] = 1;
                        move[0].stop();
                    }
                    if (p.phase() == ReshardingPhase.FENCED && t[2] == 0) {
                        t[2] = System.nanoTime();
                        t[3] = p.changesApplied();
                    }
                });
        move[0].run();
        int changes = 200_000;
        exec(src, "UPDATE narrow SET v = v + 1 WHERE id <= " + changes / 2,
                "DELETE FROM narrow WHERE id > " + (changes / 2) + " AND id <= " + changes);
        move[0] = new BucketMove(move[0].spec(), topology, MoveOptions.DEFAULTS.withDeleteSourceRows(false).withVerifyBeforeSwitch(false),
                p -> {
                    if (p.phase() == ReshardingPhase.CATCHING_UP && t[1] == 0) {
                        t[1] = System.nanoTime();
                    }
                    if (p.phase() == ReshardingPhase.FENCED && t[2] == 0) {
                        t[2] = System.nanoTime();
                        t[3] = p.changesApplied();
                    }
                });
        move[0].run();
        double seconds = (t[2] - t[1]) / 1e9;
        System.out.printf("BENCH catch-up: %,d changes (updates and deletes of narrow rows) applied in %.2f s = %,.0f changes/s%n",
                t[3], seconds, t[3] / seconds);
        drop(src, "b" + run);
    }

    private static GuardTopology fresh(List<ReshardFixture.Shard> shards, String[] owners, int run) throws Exception {
        for (ReshardFixture.Shard s : shards) {
            exec(s, "DROP TABLE IF EXISTS test_topology", "DROP TABLE IF EXISTS test_fence");
        }
        GuardTopology topology = new GuardTopology(shards.get(0), shards, 64);
        topology.create(owners);
        return topology;
    }

    private static void drop(ReshardFixture.Shard src, String moveId) throws Exception {
        List<String> left = ReshardFixture.leftovers(List.of(src));
        if (!left.isEmpty()) {
            throw new AssertionError("left behind by " + moveId + ": " + left);
        }
    }

    static void exec(ReshardFixture.Shard s, String... sql) throws Exception {
        try (Connection c = s.connect(); Statement st = c.createStatement()) {
            for (String q : sql) {
                st.execute(q);
            }
        }
    }

    static List<String> list(String... s) {
        return new ArrayList<>(List.of(s));
    }
}
