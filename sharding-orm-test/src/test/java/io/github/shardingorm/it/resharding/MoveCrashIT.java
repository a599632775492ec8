package io.github.shardingorm.it.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.internal.resharding.BucketMove;
import io.github.shardingorm.internal.resharding.BucketSet;
import io.github.shardingorm.internal.resharding.MoveOptions;
import io.github.shardingorm.resharding.ReshardingPhase;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import io.github.shardingorm.test.internal.ChildJvms;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the mover's JVM at every step (copy, catch-up, fence, switch, clean-up), while
 * writers keep writing; then a new JVM resumes the move (or, for the steps before the switch, the
 * test rolls it back; {@link BucketMoveIT} rolls back the earlier steps in-process). After each: every row on its owner, nothing lost or duplicated, every
 * acknowledged write present; no slot, publication or move mark left.
 */
@PostgresServers(count = 2, settings = {"wal_level=logical", "max_replication_slots=10", "max_wal_senders=10",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off"})
class MoveCrashIT {

    private static final int USERS = 6_000;

    @Test
    void killedAtEveryStepTheMoveResumesOrRollsBackWithNothingLost(PostgresServerGroup servers) throws Exception {
        List<ReshardFixture.Shard> shards = ReshardFixture.shards(servers.servers(), 2, "crash");
        String[] owners = new String[ReshardFixture.BUCKETS];
        for (int b = 0; b < owners.length; b++) {
            owners[b] = b < 32 ? "s0" : "s1";
        }
        GuardTopology topology = new GuardTopology(shards.get(0), shards, ReshardFixture.BUCKETS);
        topology.create(owners);
        ReshardFixture.load(shards, owners, USERS);
        LedgerWriters.Ledger ledger = LedgerWriters.Ledger.loaded(USERS);
        Path logs = Files.createDirectories(Path.of("target", "move-crash"));
        String[][] cases = {
                {"copy", "resume"}, {"catchup", "resume"}, {"fence", "resume"}, {"switch", "resume"}, {"cleanup", "resume"},
                {"fence", "rollback"}};
        long nextId = 1_000_000;
        for (int i = 0; i < cases.length; i++) {
            String step = cases[i][0];
            boolean resume = cases[i][1].equals("resume");
            String[] now = topology.owners();
            String source = i % 2 == 0 ? "s0" : "s1";
            String target = i % 2 == 0 ? "s1" : "s0";
            List<Integer> buckets = new ArrayList<>();
            for (int b = 0; b < now.length && buckets.size() < 6; b++) {
                if (now[b].equals(source)) {
                    buckets.add(b);
                }
            }
            BucketSet set = new BucketSet(ReshardFixture.BUCKETS, buckets);
            String moveId = "c" + i;
            LedgerWriters writers = new LedgerWriters(shards, topology, 4, ledger, true);
            writers.start(nextId, i);
            nextId += 1_000_000;
            Process child = child(moveId, source, target, set.toText(), step, step.equals("copy") ? 2_000 : 0, shards,
                    logs.resolve(moveId + "-killed.log").toFile());
            File log = logs.resolve(moveId + "-killed.log").toFile();
            try {
                assertTrue(await(90_000, () -> !child.isAlive() || Files.readString(log.toPath()).contains("STEP " + step)),
                        () -> "the child reached step " + step + ": " + tail(log));
                assertTrue(child.isAlive(), () -> "the child ended early: " + tail(log));
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            Thread.sleep(200);
            ReshardingPhase end;
            if (resume) {
                File again = logs.resolve(moveId + "-resumed.log").toFile();
                Process resumed = child(moveId, source, target, set.toText(), "none", 0, shards, again);
                assertTrue(resumed.waitFor(120, TimeUnit.SECONDS), "the resumed move finished");
                String out = Files.readString(again.toPath());
                assertTrue(out.contains("DONE COMPLETED"), () -> "resumed move: " + tail(again));
                end = ReshardingPhase.COMPLETED;
            } else {
                BucketMove mover = new BucketMove(new BucketMove.Spec(moveId, BucketMoveIT.def(shards, source),
                        BucketMoveIT.def(shards, target), set, ReshardFixture.TABLES), topology, MoveOptions.DEFAULTS, null);
                mover.rollback();
                end = mover.recordedPhase();
                assertEquals(ReshardingPhase.ROLLED_BACK, end);
            }
            Thread.sleep(200);
            writers.close();
            String[] after = topology.owners();
            for (int b : buckets) {
                assertEquals(resume ? target : source, after[b], "bucket " + b + " after " + cases[i][1] + " at " + step);
            }
            Map<String, Map<Long, Integer>> found = ReshardFixture.checkPlacement(shards, after);
            assertEquals(ledger.users(), found.get("users"), "users after kill at " + step + " and " + cases[i][1]);
            assertEquals(ledger.posts(), found.get("posts"), "posts after kill at " + step + " and " + cases[i][1]);
            assertEquals(List.of(), ReshardFixture.leftovers(shards), "left behind after kill at " + step + " and " + cases[i][1]);
            assertEquals(List.of(), topology.notServing(), "buckets left moving");
            System.out.printf("kill at %s, then %s: %s, %,d acknowledged writes%n", step, cases[i][1], end, writers.acknowledged.get());
        }
    }

    private static Process child(String moveId, String source, String target, String buckets, String pause, long throttle,
                                 List<ReshardFixture.Shard> shards, File log) throws Exception {
        List<String> args = new ArrayList<>(List.of(moveId, source, target, buckets, pause, String.valueOf(throttle)));
        shards.forEach(s -> args.add(s.arg()));
        return ChildJvms.start(MoveChild.class, "256m", args, pb -> pb.redirectErrorStream(true).redirectOutput(log));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static boolean await(long millis, Check check) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(50);
        }
        return check.ok();
    }

    static String tail(File log) {
        try {
            String text = Files.readString(log.toPath());
            return text.substring(Math.max(0, text.length() - 4000));
        } catch (Exception e) {
            return e.toString();
        }
    }
}
