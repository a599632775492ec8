package io.github.shardingorm.it.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.internal.resharding.BucketMove;
import io.github.shardingorm.internal.resharding.BucketSet;
import io.github.shardingorm.internal.resharding.MoveOptions;
import io.github.shardingorm.resharding.ReshardingPhase;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Ten moves between three shards (adding a shard, rebalancing, emptying one) while four writers
 * insert, update and delete with a ledger of every acknowledged write. After each move: every row
 * is on the shard its bucket maps to (direct SQL on every shard), none is on two shards, every
 * acknowledged write is there and no deleted row is; no slot, publication, replica-identity
 * change or move mark is left. Prints the write latency of the moved buckets and of the others.
 */
@PostgresServers(count = 2, settings = {"wal_level=logical", "max_replication_slots=10", "max_wal_senders=10",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off"})
class BucketMoveIT {

    private static final int USERS = 10_000;

    @Test
    void tenMovesUnderWritersLoseNothingAndDuplicateNothing(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 3, "moves");
        String[] owners = new String[ReshardFixture.BUCKETS];
        for (int b = 0; b < owners.length; b++) {
            owners[b] = b < 32 ? "s0" : "s1";
        }
        GuardTopology topology = new GuardTopology(shards.get(0), shards, ReshardFixture.BUCKETS);
        topology.create(owners);
        ReshardFixture.load(shards, owners, USERS);
        LedgerWriters.Ledger ledger = LedgerWriters.Ledger.loaded(USERS);
        Random random = new Random(20261201L);
        List<Double> movedP99 = new ArrayList<>();
        List<Double> movedMax = new ArrayList<>();
        long nextId = 1_000_000;
        for (int move = 0; move < 10; move++) {
            String[] now = topology.owners();
            String source = move == 0 ? "s0" : move == 1 ? "s1" : pickSource(now, random);
            String target = move < 2 ? "s2" : pickTarget(source, random);
            List<Integer> owned = new ArrayList<>();
            for (int b = 0; b < now.length; b++) {
                if (now[b].equals(source)) {
                    owned.add(b);
                }
            }
            int take = Math.min(owned.size(), 4 + random.nextInt(5));
            Set<Integer> buckets = new TreeSet<>(owned.subList(0, take));
            BucketMove mover = new BucketMove(new BucketMove.Spec("m" + move, def(shards, source), def(shards, target),
                    new BucketSet(ReshardFixture.BUCKETS, buckets), ReshardFixture.TABLES), topology,
                    MoveOptions.DEFAULTS.withChunkRows(5_000), null);
            LedgerWriters writers = new LedgerWriters(shards, topology, 4, ledger, true);
            writers.start(nextId, move);
            nextId += 1_000_000;
            Thread.sleep(300);
            long from = System.nanoTime();
            ReshardingPhase end = mover.run();
            long to = System.nanoTime();
            Thread.sleep(300);
            writers.close();
            assertEquals(ReshardingPhase.COMPLETED, end);
            String[] after = topology.owners();
            for (int b : buckets) {
                assertEquals(target, after[b], "bucket " + b + " owner after the move");
            }
            Map<String, Map<Long, Integer>> found = ReshardFixture.checkPlacement(shards, after);
            assertEquals(ledger.users(), found.get("users"), "users after move " + move);
            assertEquals(ledger.posts(), found.get("posts"), "posts after move " + move);
            assertEquals(List.of(), ReshardFixture.leftovers(shards), "left behind after move " + move);
            assertEquals(List.of(), topology.notServing(), "buckets left moving after move " + move);
            double[] moved = LedgerWriters.latencies(writers.ops(), from, to, buckets, true);
            double[] others = LedgerWriters.latencies(writers.ops(), from, to, buckets, false);
            System.out.printf("move %d %s %s->%s: %,d acknowledged writes, %d refused attempts; moved buckets %s; others %s%n",
                    move, buckets, source, target, writers.acknowledged.get(), writers.refused.get(),
                    LedgerWriters.describe(moved), LedgerWriters.describe(others));
            movedP99.add(moved[1]);
            movedMax.add(moved[2]);
            assertTrue(writers.acknowledged.get() > 0, "the writers wrote during the move");
        }
        System.out.println("moved buckets' write latency over the 10 moves: p99 " + movedP99 + " max " + movedMax);
    }

    @Test
    void rollbackAtEachStepBeforeTheSwitchGivesEverythingBack(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 2, "rollback");
        String[] owners = new String[ReshardFixture.BUCKETS];
        for (int b = 0; b < owners.length; b++) {
            owners[b] = b < 32 ? "s0" : "s1";
        }
        GuardTopology topology = new GuardTopology(shards.get(0), shards, ReshardFixture.BUCKETS);
        topology.create(owners);
        ReshardFixture.load(shards, owners, 5_000);
        LedgerWriters.Ledger ledger = LedgerWriters.Ledger.loaded(5_000);
        long nextId = 1_000_000;
        int round = 0;
        for (ReshardingPhase stopAt : List.of(ReshardingPhase.COPYING, ReshardingPhase.CATCHING_UP)) {
            Set<Integer> buckets = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6));
            BucketMove[] mover = new BucketMove[1];
            mover[0] = new BucketMove(new BucketMove.Spec("rb" + round, def(shards, "s0"), def(shards, "s1"),
                    new BucketSet(ReshardFixture.BUCKETS, buckets), ReshardFixture.TABLES), topology,
                    MoveOptions.DEFAULTS.withChunkRows(300).withThrottle(3_000), p -> {
                        if (p.phase() == stopAt && (stopAt != ReshardingPhase.COPYING || p.rowsCopied() > 0)) {
                            mover[0].stop();
                        }
                    });
            LedgerWriters writers = new LedgerWriters(shards, topology, 4, ledger, true);
            writers.start(nextId, round);
            nextId += 1_000_000;
            assertEquals(stopAt, mover[0].run(), "stopped in the step asked");
            assertTrue(ReshardFixture.count(shards.get(1), "SELECT count(*) FROM users") > 0 || stopAt == ReshardingPhase.COPYING);
            mover[0].rollback();
            Thread.sleep(200);
            writers.close();
            assertEquals(ReshardingPhase.ROLLED_BACK, mover[0].recordedPhase());
            Map<String, Map<Long, Integer>> found = ReshardFixture.checkPlacement(shards, topology.owners());
            assertEquals(ledger.users(), found.get("users"), "users after rollback in " + stopAt);
            assertEquals(ledger.posts(), found.get("posts"), "posts after rollback in " + stopAt);
            assertEquals(List.of(), ReshardFixture.leftovers(shards), "left behind after rollback in " + stopAt);
            assertEquals(List.of(), topology.notServing(), "buckets left moving after rollback in " + stopAt);
            System.out.printf("rollback in %s: %,d acknowledged writes kept%n", stopAt, writers.acknowledged.get());
            round++;
        }
    }

    @Test
    void aRowThatDiffersStopsTheMoveBeforeTheSwitchNamingBucketTableAndKey(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 2, "verify");
        GuardTopology topology = everyBucketOnS0(shards, 2_000);
        long victim = 1;
        while (ReshardFixture.bucketOf(victim) != 3) {
            victim++;
        }
        long id = victim;
        BucketMove mover = new BucketMove(new BucketMove.Spec("bad", def(shards, "s0"), def(shards, "s1"),
                new BucketSet(ReshardFixture.BUCKETS, List.of(3, 4)), ReshardFixture.TABLES), topology, MoveOptions.DEFAULTS, p -> {
                    if (p.phase() == ReshardingPhase.CATCHING_UP) {
                        try (var c = shards.get(1).connect(); var st = c.createStatement()) {
                            st.executeUpdate("UPDATE users SET name = 'corrupted' WHERE id = " + id);
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });

        var e = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.shardingorm.resharding.ReshardingVerificationException.class, mover::run);

        assertEquals(1, e.getMismatches().size(), e.getMessage());
        assertTrue(e.getMismatches().get(0).startsWith("bucket 3, table public.users: source "), e.getMessage());
        assertTrue(e.getMismatches().get(0).contains("(" + id + ") differs"), e.getMessage());
        assertEquals(ReshardingPhase.ROLLED_BACK, mover.recordedPhase());
        assertEquals("s0", topology.ownerOf(3));
        assertEquals(0, ReshardFixture.count(shards.get(1), "SELECT count(*) FROM users"), "the target's copies are gone");
        assertEquals(List.of(), ReshardFixture.leftovers(shards));
        assertEquals(List.of(), topology.notServing());
    }

    /**
     * Chunks follow the primary key's own order and hold chunkRows source rows each: the chunk
     * bound once sorted the key as text ('1' &lt; '10' &lt; '100' &lt; '1000' &lt; '1001' ...), so
     * chunks grew far past chunkRows (a crash lost more than one chunk of work) and every bound
     * sorted all remaining rows.
     */
    @Test
    void chunksHoldChunkRowsRowsInPrimaryKeyOrder(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 2, "chunks");
        int users = 2_000;
        int chunk = 300;
        GuardTopology topology = everyBucketOnS0(shards, users);
        List<Long> copied = new ArrayList<>();
        BucketMove mover = new BucketMove(new BucketMove.Spec("chunks", def(shards, "s0"), def(shards, "s1"),
                new BucketSet(ReshardFixture.BUCKETS, java.util.stream.IntStream.range(0, ReshardFixture.BUCKETS).boxed().toList()),
                ReshardFixture.TABLES), topology, MoveOptions.DEFAULTS.withChunkRows(chunk), p -> {
                    if (p.phase() == ReshardingPhase.COPYING && (copied.isEmpty() || copied.get(copied.size() - 1) != p.rowsCopied())) {
                        copied.add(p.rowsCopied());
                    }
                });

        assertEquals(ReshardingPhase.COMPLETED, mover.run());

        // every bucket moves, so each chunk writes every row it reads: the steps of rowsCopied are the chunk sizes
        List<Long> sizes = new ArrayList<>();
        long before = 0;
        for (long c : copied) {
            if (c > before) {
                sizes.add(c - before);
            }
            before = c;
        }
        int userChunks = (users + chunk - 1) / chunk;
        int postChunks = (2 * users + chunk - 1) / chunk;
        assertEquals(3L * users, before, "rows copied " + sizes);
        assertEquals(userChunks + postChunks, sizes.size(), "chunks " + sizes);
        assertTrue(sizes.stream().allMatch(s -> s <= chunk), "a chunk larger than " + chunk + " rows: " + sizes);
        assertEquals(List.of(), ReshardFixture.leftovers(shards));
    }

    /**
     * The target refuses a row in the middle of the copy (a unique email taken by a row of a
     * bucket that is not moving): the source side, which reads ahead of the target, is cancelled,
     * the move fails with the target's cause, only whole recorded chunks stay on the target, and
     * once the conflict is gone the same move resumes after the last recorded chunk and completes.
     */
    @Test
    void aTargetThatRefusesARowFailsTheCopyWithItsCauseAndTheMoveResumes(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 2, "refuse");
        int users = 3_000;
        GuardTopology topology = everyBucketOnS0(shards, users);
        long victim = users - 10;
        while (ReshardFixture.bucketOf(victim) >= 32) {
            victim--;
        }
        long outsider = users + 1;
        while (ReshardFixture.bucketOf(outsider) < 32) {
            outsider++;
        }
        ReshardingBenchmark.exec(shards.get(1), "INSERT INTO users VALUES (" + outsider + ", 'outsider', 'u" + victim
                + "-v0@example.org', 0)");
        BucketSet moving = new BucketSet(ReshardFixture.BUCKETS, java.util.stream.IntStream.range(0, 32).boxed().toList());
        long[] lastCopied = {0};
        BucketMove.Spec spec = new BucketMove.Spec("refuse", def(shards, "s0"), def(shards, "s1"), moving, ReshardFixture.TABLES);
        BucketMove first = new BucketMove(spec, topology, MoveOptions.DEFAULTS.withChunkRows(200), p -> lastCopied[0] = p.rowsCopied());

        var e = org.junit.jupiter.api.Assertions.assertThrows(io.github.shardingorm.resharding.ReshardingException.class, first::run);

        Throwable cause = e;
        while (cause != null && !(cause instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState()))) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, "the target's unique violation is the cause: " + e);
        assertTrue(e.getMessage().contains("COPYING"), e.getMessage());
        assertTrue(lastCopied[0] > 0, "chunks before the refused one were committed");
        assertEquals(lastCopied[0], ReshardFixture.count(shards.get(1), "SELECT count(*) FROM users WHERE id <> " + outsider),
                "only whole recorded chunks are on the target");
        try (var c = shards.get(0).connect(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (SELECT%' AND pid <> pg_backend_pid()")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "no source COPY is left running");
        }

        ReshardingBenchmark.exec(shards.get(1), "DELETE FROM users WHERE id = " + outsider);
        long[] resumedFrom = {-1};
        BucketMove again = new BucketMove(spec, topology, MoveOptions.DEFAULTS.withChunkRows(200), p -> {
            if (resumedFrom[0] < 0) {
                resumedFrom[0] = p.rowsCopied();
            }
        });
        assertEquals(ReshardingPhase.COMPLETED, again.run());
        assertEquals(lastCopied[0], resumedFrom[0], "the resume starts after the last recorded chunk");
        String[] owners = topology.owners();
        for (int b = 0; b < 32; b++) {
            assertEquals("s1", owners[b]);
        }
        assertEveryRowPlacedOnceAndNothingLeft(shards, owners, users);
    }

    /**
     * The source's connection dies in the middle of a chunk (its backend is terminated): the
     * target's open COPY is cancelled, the move fails naming the source side, and a re-run
     * resumes and completes with every row on its owner.
     */
    @Test
    void aSourceThatDiesMidChunkFailsTheCopyAndTheMoveResumes(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 2, "srcdies");
        int users = 4_000;
        GuardTopology topology = everyBucketOnS0(shards, users);
        BucketSet every = new BucketSet(ReshardFixture.BUCKETS, java.util.stream.IntStream.range(0, ReshardFixture.BUCKETS).boxed().toList());
        BucketMove.Spec spec = new BucketMove.Spec("srcdies", def(shards, "s0"), def(shards, "s1"), every, ReshardFixture.TABLES);
        long[] lastCopied = {0};
        boolean[] killed = {false};
        BucketMove first = new BucketMove(spec, topology, MoveOptions.DEFAULTS.withChunkRows(500), p -> {
            lastCopied[0] = p.rowsCopied();
            if (p.phase() == ReshardingPhase.COPYING && p.rowsCopied() >= 2_000 && !killed[0]) {
                killed[0] = true;
                try {
                    ReshardingBenchmark.exec(shards.get(0), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE backend_type = 'client backend' AND backend_xid IS NULL AND backend_xmin IS NOT NULL"
                            + " AND pid <> pg_backend_pid() AND datname = current_database()");
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            }
        });

        var e = org.junit.jupiter.api.Assertions.assertThrows(io.github.shardingorm.resharding.ReshardingException.class, first::run);

        assertTrue(killed[0]);
        assertTrue(e.getCause() != null, "the cause is kept: " + e);
        assertEquals(lastCopied[0], ReshardFixture.count(shards.get(1), "SELECT count(*) FROM users")
                + ReshardFixture.count(shards.get(1), "SELECT count(*) FROM posts"), "only whole recorded chunks are on the target");
        assertEquals(ReshardingPhase.COMPLETED, new BucketMove(spec, topology, MoveOptions.DEFAULTS.withChunkRows(500), null).run());
        assertEquals(0, ReshardFixture.count(shards.get(0), "SELECT count(*) FROM users"));
        assertEveryRowPlacedOnceAndNothingLeft(shards, topology.owners(), users);
    }

    /** Every user and its two posts on its bucket's owner, once; no slot, publication or mark left. */
    private static void assertEveryRowPlacedOnceAndNothingLeft(List<ReshardFixture.Shard> shards, String[] owners, int users)
            throws Exception {
        Map<String, Map<Long, Integer>> placed = ReshardFixture.checkPlacement(shards, owners);
        assertEquals(users, placed.get("users").size());
        assertEquals(2 * users, placed.get("posts").size());
        assertEquals(List.of(), ReshardFixture.leftovers(shards));
    }

    /** Every bucket owned by s0, in a new guard topology, with {@code users} users and their posts loaded. */
    private static GuardTopology everyBucketOnS0(List<ReshardFixture.Shard> shards, int users) throws Exception {
        String[] owners = new String[ReshardFixture.BUCKETS];
        java.util.Arrays.fill(owners, "s0");
        GuardTopology topology = new GuardTopology(shards.get(0), shards, ReshardFixture.BUCKETS);
        topology.create(owners);
        ReshardFixture.load(shards, owners, users);
        return topology;
    }

    private static String pickSource(String[] owners, Random random) {
        List<String> candidates = new ArrayList<>();
        for (String s : List.of("s0", "s1", "s2")) {
            if (java.util.Arrays.stream(owners).filter(s::equals).count() >= 4) {
                candidates.add(s);
            }
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    private static String pickTarget(String source, Random random) {
        List<String> others = new ArrayList<>(List.of("s0", "s1", "s2"));
        others.remove(source);
        return others.get(random.nextInt(others.size()));
    }

    static io.github.shardingorm.internal.config.ShardDefinition def(List<ReshardFixture.Shard> shards, String id) {
        return shards.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().definition();
    }
}
