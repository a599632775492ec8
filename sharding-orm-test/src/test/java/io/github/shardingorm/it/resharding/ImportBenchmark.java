package io.github.shardingorm.it.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.internal.resharding.MoveTopology;
import io.github.shardingorm.internal.resharding.MovedTable;
import io.github.shardingorm.internal.resharding.ReshardingService;
import io.github.shardingorm.resharding.Resharding;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingPlan;
import io.github.shardingorm.resharding.ReshardingProgress;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Import throughput from a single database into 4 shards (issue 12 part 7): narrow rows and
 * post-like rows, offline (one routed pass, then verification) and online (8 parallel moves from
 * the monolith's snapshot, catch-up, freeze, switch). The monolith on one private server, the
 * shards two per server ({@code wal_level=logical}, fsync off).
 *
 * <p>Not part of the default build. Run:
 * <pre>
 * mvn -o -pl sharding-orm-test -am verify -Dit.test=ImportBenchmark -Dshardingorm.bench=true \
 *     -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.rows=1000000]
 * </pre>
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "shardingorm.bench", matches = "true", disabledReason = "a benchmark: run with -Dshardingorm.bench=true")
@PostgresServers(count = 3, settings = {"wal_level=logical", "max_replication_slots=32", "max_wal_senders=32",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=256MB", "max_wal_size=4GB"})
class ImportBenchmark {

    @Test
    void importThroughputIntoFourShards(PostgresServerGroup servers) throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        servers.get(0).createDatabase("imono");
        ReshardFixture.Shard monolith = new ReshardFixture.Shard("mono", servers.get(0).jdbcUrl("imono"), servers.get(0).username(), "");
        String narrow = "CREATE TABLE narrow (id bigint PRIMARY KEY, k bigint NOT NULL, v int NOT NULL)";
        String posts = "CREATE TABLE bposts (id bigint PRIMARY KEY, author_id bigint NOT NULL, title text NOT NULL, body text NOT NULL,"
                + " created_at timestamptz NOT NULL)";
        ReshardingBenchmark.exec(monolith, narrow, posts,
                "INSERT INTO narrow SELECT g, g::bigint * 7919, g % 1000 FROM generate_series(1, " + rows + ") g",
                "INSERT INTO bposts SELECT g, g / 3, 'title of post ' || g, repeat(md5(g::text), 6), now() - g * interval '1 second'"
                        + " FROM generate_series(1, " + rows / 3 + ") g",
                "VACUUM ANALYZE narrow", "VACUUM ANALYZE bposts");
        int run = 0;
        for (String table : List.of("narrow:id", "bposts:author_id")) {
            for (boolean online : new boolean[] {false, true}) {
                run++;
                List<ReshardFixture.Shard> shards = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    var server = servers.get(1 + i % 2);
                    server.createDatabase("ishard_" + run + "_" + i);
                    ReshardFixture.Shard s = new ReshardFixture.Shard("s" + i, server.jdbcUrl("ishard_" + run + "_" + i), server.username(), "");
                    ReshardingBenchmark.exec(s, table.startsWith("narrow") ? narrow : posts,
                            table.startsWith("narrow") ? "SELECT 1" : "CREATE INDEX bposts_author ON bposts (author_id)");
                    shards.add(s);
                }
                MovedTable moved = MovedTable.parse(table);
                Resharding resharding = new ReshardingService(shards.stream().map(ReshardFixture.Shard::definition).toList(),
                        () -> List.of(moved), List::of, fixed());
                Resharding.Import imp = resharding.importFrom(monolith.url(), monolith.user(), null);
                ReshardingPlan plan = (online ? imp.online() : imp.offline()).plan();
                long start = System.nanoTime();
                ReshardingJob job = plan.start(null);
                job.awaitCompletion();
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(job.isDone());
                long copied = 0;
                for (ReshardFixture.Shard s : shards) {
                    copied += ReshardFixture.count(s, "SELECT count(*) FROM " + moved.table());
                }
                long expected = moved.table().equals("narrow") ? rows : rows / 3;
                assertEquals(expected, copied, "every row imported");
                List<ReshardingProgress> progress = job.progress();
                ReshardingProgress total = progress.get(progress.size() - 1);
                // offline: the table's entry times its copy alone (verification after it); online: the moves overlap
                String copyRate = online ? "" : String.format(", the copy alone %,.0f rows/s", progress.get(0).rowsPerSecond());
                System.out.printf("BENCH import %s %s into 4 shards: %,d rows in %.2f s = %,.0f rows/s end to end (plan to verified%s)%n",
                        online ? "online" : "offline", moved.table(), copied, seconds, copied / seconds, copyRate);
                assertTrue(total.rowsCopied() >= copied, total.toLine());
            }
        }
    }

    /** 64 buckets, 16 per shard, nothing moving. */
    private static MoveTopology fixed() {
        return new MoveTopology() {
            @Override public String ownerOf(int bucket) { return "s" + bucket / 16; }
            @Override public int bucketCount() { return 64; }
            @Override public boolean isMoving(int bucket) { return false; }
            @Override public void beginMove(Set<Integer> b, String from, String to) { }
            @Override public void fence(Set<Integer> b) { }
            @Override public void completeMove(Set<Integer> b) { }
            @Override public void abortMove(Set<Integer> b) { }
        };
    }
}
