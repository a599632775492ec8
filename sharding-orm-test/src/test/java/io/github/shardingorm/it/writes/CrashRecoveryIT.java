package io.github.shardingorm.it.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.writes.WritesFixture.Shard;
import io.github.shardingorm.internal.saga.SagaArgumentCodec;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import io.github.shardingorm.test.internal.ChildJvms;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kills a JVM running sagas and two-phase commit transactions with SIGKILL at random moments,
 * {@value #CYCLES} times (each new JVM also recovers what the previous one left, so recovery
 * itself gets killed too), then lets a fresh instance recover and checks every shard through
 * JDBC: every saga fully applied or fully compensated, every two-phase transaction all or
 * nothing, no prepared transaction left, no saga left unfinished or needing attention.
 */
@PostgresServers(count = 2, settings = {"max_prepared_transactions=20"})
class CrashRecoveryIT {

    private static final int CYCLES = 15;

    @Test
    void sigkilledWritersLeaveEverySagaAndTransactionWholeAfterRecovery(PostgresServerGroup servers) throws Exception {
        List<Shard> shards = WritesFixture.shardsOnServers(servers.servers(), 3, "crash");
        WritesFixture.builder(shards).build().close();
        Random random = new Random(20261121L);
        Path logDir = Files.createDirectories(Path.of("target", "crash-child"));
        recordSharedClasses(servers);
        int killedRunning = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            List<String> args = new ArrayList<>();
            shards.forEach(s -> args.add(s.arg()));
            File log = logDir.resolve("cycle-" + cycle + ".log").toFile();
            Process child = ChildJvms.start(WritesCrashChild.class, "256m", args, pb -> pb.redirectErrorStream(true).redirectOutput(log));
            try {
                assertTrue(WritesFixture.await(60_000, () -> !child.isAlive() || Files.readString(log.toPath()).contains("READY")),
                        "child started");
                assertTrue(child.isAlive(), () -> "child died: " + tail(log));
                Thread.sleep(200 + random.nextInt(1300));
                killedRunning++;
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(CYCLES, killedRunning);

        long leftRunning = 0;
        for (Shard s : shards) {
            leftRunning += WritesFixture.count(s, "SELECT count(*) FROM shorm_saga WHERE state IN ('RUNNING', 'COMPENSATING')");
        }
        int leftPrepared = WritesFixture.preparedLeft(shards).size();
        try (ShardedPersistence orm = WritesFixture.builder(shards).saga(WritesFixture.marks3())
                .twoPhaseGrace(Duration.ofMillis(1000)).recoveryInterval(Duration.ofMillis(200)).build()) {
            assertTrue(WritesFixture.await(60_000, () -> orm.sagas().unfinished().isEmpty() && WritesFixture.preparedLeft(shards).isEmpty()),
                    () -> "still unfinished: " + orm.sagas().unfinished().size() + " sagas, prepared: " + safePrepared(shards));
            assertEquals(List.of(), orm.sagas().needingAttention());

            Map<String, Integer> marks = WritesFixture.marksByGroup(shards, orm);
            Map<String, Integer> parts = WritesFixture.partsByGroup(shards);
            Map<String, String[]> sagas = WritesFixture.sagaRows(shards);
            int completed = 0;
            int compensated = 0;
            for (String[] row : sagas.values()) {
                String op = SagaArgumentCodec.decode(row[1]).getString("op");
                int found = marks.getOrDefault(op, 0);
                switch (row[0]) {
                    case "COMPLETED" -> {
                        assertEquals(3, found, "completed saga " + op + " has every step");
                        completed++;
                    }
                    case "COMPENSATED" -> {
                        assertEquals(0, found, "compensated saga " + op + " has no step left");
                        compensated++;
                    }
                    default -> throw new AssertionError("saga " + op + " ended " + row[0]);
                }
            }
            int transactions = 0;
            for (Map.Entry<String, Integer> group : marks.entrySet()) {
                if (group.getKey().startsWith("tx-")) {
                    assertEquals(parts.get(group.getKey()), group.getValue(), "two-phase transaction " + group.getKey() + " all or nothing");
                    transactions++;
                } else {
                    assertTrue(sagas.values().stream().anyMatch(r -> r[1].contains(group.getKey())), "marks of " + group.getKey() + " belong to a logged saga");
                }
            }
            System.out.printf("crash test: %d kills, %d sagas (%d completed, %d compensated), %d committed 2PC transactions;"
                    + " the last kill left %d sagas unfinished and %d prepared transactions%n",
                    CYCLES, sagas.size(), completed, compensated, transactions, leftRunning, leftPrepared);
            assertTrue(completed > 0 && compensated > 0 && transactions > 0, "the children did some work of each kind");
        }
    }

    /** The children's class data sharing archive, recorded by one child on scratch databases (never those checked here). */
    private static void recordSharedClasses(PostgresServerGroup servers) throws Exception {
        if (!ChildJvms.recordingWanted()) {
            return;
        }
        List<Shard> scratch = WritesFixture.shardsOnServers(servers.servers(), 3, "crashwarm");
        WritesFixture.builder(scratch).build().close();
        List<String> args = new ArrayList<>();
        scratch.forEach(s -> args.add(s.arg()));
        ChildJvms.recordSharedClasses(WritesCrashChild.class, "256m", args, "READY");
        for (Shard s : scratch) { // what the stopped warm-up child left prepared there
            try (java.sql.Connection c = s.connect(); java.sql.Statement st = c.createStatement()) {
                for (String gid : WritesFixture.preparedLeft(List.of(s))) {
                    st.execute("ROLLBACK PREPARED '" + gid.substring(gid.indexOf(": ") + 2) + "'");
                }
            }
        }
    }

    private static String tail(File log) {
        try {
            String text = Files.readString(log.toPath());
            return text.substring(Math.max(0, text.length() - 3000));
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String safePrepared(List<Shard> shards) {
        try {
            return WritesFixture.preparedLeft(shards).toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
