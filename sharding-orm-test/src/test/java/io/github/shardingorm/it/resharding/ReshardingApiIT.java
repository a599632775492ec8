package io.github.shardingorm.it.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.internal.metrics.ReshardingMeters;
import io.github.shardingorm.internal.resharding.MovedTable;
import io.github.shardingorm.internal.resharding.ReshardingService;
import io.github.shardingorm.resharding.Resharding;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingPlan;
import io.github.shardingorm.resharding.ReshardingRefusedException;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The resharding API over the mover: add a shard, split, merge, rebalance, roll a finished job
 * back; and bad input refused before anything moves, with a clear message.
 */
@PostgresServers(count = 2, settings = {"wal_level=logical", "max_replication_slots=10", "max_wal_senders=10",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off"})
class ReshardingApiIT {

    @Test
    void addSplitMergeRebalanceAndRollBackKeepEveryRowOnItsOwner(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 3, "api");
        String[] owners = new String[ReshardFixture.BUCKETS];
        for (int b = 0; b < owners.length; b++) {
            owners[b] = b < 32 ? "s0" : "s1";
        }
        GuardTopology topology = new GuardTopology(shards.get(0), shards, ReshardFixture.BUCKETS);
        topology.create(owners);
        ReshardFixture.load(shards, owners, 3_000);
        Map<String, Map<Long, Integer>> before = ReshardFixture.checkPlacement(shards, owners);
        Resharding resharding = service(shards, topology, () -> ReshardFixture.TABLES);
        List<String> lines = new ArrayList<>();
        // the progress on meters: while the job runs its gauges count it and at least the rows its moves reported
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ReshardingMeters.bind(((ReshardingService) resharding).active(), registry);
        List<String> meterProblems = new ArrayList<>();
        double[] maxRows = {0};

        ReshardingPlan add = resharding.addShard("s2").throttle(1_000_000).plan();
        System.out.println(add.describe());
        assertEquals(2, add.moves().size(), add.describe());
        assertTrue(add.estimatedRows() > 0, add.describe());
        run(add.start(p -> {
            lines.add(p.toLine());
            double jobs = registry.get("sharding.resharding.jobs").tag("kind", "move").gauge().value();
            double rows = registry.get("sharding.resharding.rows.copied").tag("kind", "move").gauge().value();
            if (jobs != 1 || rows < p.rowsCopied()) {
                meterProblems.add("jobs=" + jobs + " rows=" + rows + " at " + p.toLine());
            }
            maxRows[0] = Math.max(maxRows[0], rows);
        }));
        assertEquals(List.of(), meterProblems);
        assertTrue(maxRows[0] > 0, "the rows gauge never moved");
        assertEquals(0, registry.get("sharding.resharding.jobs").tag("kind", "move").gauge().value(), "a finished job is not counted");
        assertEquals(0, registry.get("sharding.resharding.rows.copied").tag("kind", "move").gauge().value());
        assertEquals(21, Arrays.stream(topology.owners()).filter("s2"::equals).count());
        same(before, shards, topology);
        assertTrue(lines.stream().anyMatch(l -> l.contains("phase COMPLETED")), lines.toString());

        run(resharding.split("s0", "s2").plan().start(null));
        same(before, shards, topology);
        String[] beforeMerge = topology.owners();
        ReshardingJob merge = resharding.merge("s2", "s1").plan().start(null);
        run(merge);
        assertEquals(0, Arrays.stream(topology.owners()).filter("s2"::equals).count());
        same(before, shards, topology);

        merge.rollback();
        assertEquals(Arrays.asList(beforeMerge), Arrays.asList(topology.owners()), "a completed merge rolled back by reverse moves");
        same(before, shards, topology);

        run(resharding.rebalance().plan().start(null));
        for (String s : List.of("s0", "s1", "s2")) {
            long n = Arrays.stream(topology.owners()).filter(s::equals).count();
            assertTrue(n == 21 || n == 22, s + " owns " + n);
        }
        same(before, shards, topology);
        assertEquals(List.of(), resharding.unfinished());
    }

    @Test
    void badInputIsRefusedBeforeAnythingMoves(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 2, "bad");
        String[] owners = new String[ReshardFixture.BUCKETS];
        for (int b = 0; b < owners.length; b++) {
            owners[b] = b < 32 ? "s0" : "s1";
        }
        GuardTopology topology = new GuardTopology(shards.get(0), shards, ReshardFixture.BUCKETS);
        topology.create(owners);
        ReshardFixture.load(shards, owners, 500);
        for (ReshardFixture.Shard s : shards) {
            ReshardingBenchmark.exec(s, "CREATE TABLE nopk (k bigint NOT NULL, v text)");
        }
        Resharding resharding = service(shards, topology, () -> ReshardFixture.TABLES);

        refused(() -> resharding.moveBuckets(0, 3, "s9").plan(), "unknown shard 's9': the configured shards are [s0, s1]");
        refused(() -> resharding.moveBuckets(60, 70, "s0").plan(), "bucket range 60-70 is outside the map's buckets 0-63");
        topology.beginMove(Set.of(5), "s0", "s1");
        refused(() -> resharding.moveBuckets(4, 6, "s1").plan(), "buckets 5 are already moving (another job holds them)");
        topology.abortMove(Set.of(5));
        refused(() -> service(shards, topology, () -> List.of(new MovedTable("nopk", "k"))).moveBuckets(0, 0, "s1").plan(),
                "table public.nopk on shard s0 has no primary key");
        List<ReshardFixture.Shard> unreachable = new ArrayList<>(shards);
        unreachable.add(new ReshardFixture.Shard("s9", "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "postgres", "pw"));
        refused(() -> service(unreachable, topology, () -> ReshardFixture.TABLES).moveBuckets(0, 0, "s9").plan(),
                "target shard s9 (jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2) cannot be used");

        String url = System.getenv().getOrDefault("SHARDING_ORM_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String db = "rs_walcheck_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(url, System.getenv().getOrDefault("SHARDING_ORM_TEST_PG_USER", "postgres"), "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db);
        }
        try {
            ReshardFixture.Shard replica = new ReshardFixture.Shard("s0", url.replace("/postgres", "/" + db), "postgres", "");
            ReshardingBenchmark.exec(replica, "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE,"
                    + " version int NOT NULL)", "CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint NOT NULL, body text NOT NULL,"
                    + " version int NOT NULL)");
            List<ReshardFixture.Shard> withReplicaLevel = List.of(replica, shards.get(1));
            ReshardingRefusedException e = assertThrows(ReshardingRefusedException.class,
                    () -> service(withReplicaLevel, topology, () -> ReshardFixture.TABLES).moveBuckets(0, 0, "s1").plan());
            String walLevel = servers.get(0).showSetting("wal_level");
            assertEquals("logical", walLevel);
            if (!"logical".equals(show(url, "wal_level"))) {
                assertTrue(e.getMessage().contains("has wal_level=" + show(url, "wal_level") + "; a move decodes its WAL: set wal_level=logical"),
                        e.getMessage());
            }
        } finally {
            try (Connection c = DriverManager.getConnection(url, System.getenv().getOrDefault("SHARDING_ORM_TEST_PG_USER", "postgres"), "");
                 Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + db);
            }
        }
        assertEquals(List.of(), ReshardFixture.leftovers(shards), "a refused plan creates nothing");
        assertEquals(List.of(), topology.notServing());
        assertEquals(Arrays.asList(owners), Arrays.asList(topology.owners()));
        assertEquals(0, ReshardFixture.count(shards.get(1), "SELECT count(*) FROM pg_tables WHERE tablename = 'shorm_reshard_job'"));
    }

    private static String show(String url, String setting) throws Exception {
        try (Connection c = DriverManager.getConnection(url, System.getenv().getOrDefault("SHARDING_ORM_TEST_PG_USER", "postgres"), "");
             Statement st = c.createStatement(); var rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void refused(org.junit.jupiter.api.function.Executable plan, String expected) {
        ReshardingRefusedException e = assertThrows(ReshardingRefusedException.class, plan);
        assertTrue(e.getProblems().stream().anyMatch(p -> p.contains(expected)), () -> "expected '" + expected + "' in " + e.getMessage());
        assertTrue(!e.getMessage().contains("password=pw") && !e.getMessage().contains(":pw@"), "no password in " + e.getMessage());
    }

    private static void run(ReshardingJob job) {
        job.awaitCompletion();
        assertTrue(job.isDone(), job.progress().toString());
    }

    private static void same(Map<String, Map<Long, Integer>> before, List<ReshardFixture.Shard> shards, GuardTopology topology)
            throws Exception {
        Map<String, Map<Long, Integer>> now = ReshardFixture.checkPlacement(shards, topology.owners());
        assertEquals(before, now, "the same rows, each on its owner");
        assertEquals(List.of(), ReshardFixture.leftovers(shards));
        assertEquals(List.of(), topology.notServing());
    }

    private static Resharding service(List<ReshardFixture.Shard> shards, GuardTopology topology, Supplier<List<MovedTable>> tables) {
        List<ShardDefinition> defs = shards.stream().map(ReshardFixture.Shard::definition).toList();
        return new ReshardingService(defs, tables, topology);
    }
}
