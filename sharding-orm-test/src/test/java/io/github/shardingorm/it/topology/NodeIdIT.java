package io.github.shardingorm.it.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import io.github.shardingorm.test.internal.ChildJvms;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Node ids leased from the stored topology, with separate JVMs ({@link NodeIdChild}) inserting
 * {@code @ShardedId} rows for ONE owner on a private server: 2 and 20 JVMs, 0 duplicate keys and
 * distinct node ids; a JVM killed while holding its lease, restarted with its clock 2 s back at
 * the same node id, repeats no id.
 */
@PostgresServers(count = 1, settings = {"max_connections=200"}) // 20 JVMs: pool, health probe and topology follower connections each
class NodeIdIT {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeEach
    void recordSharedClasses(PostgresServerGroup servers) throws Exception {
        if (!ChildJvms.recordingWanted()) {
            return;
        }
        // once per test JVM, on a database of its own: a child inserting 100 posts, then exiting
        PostgresServer server = servers.servers().get(0);
        ChildJvms.recordSharedClasses(NodeIdChild.class, "128m", List.of(server.jdbcUrl(database(server)), server.username(), "42",
                "100", "0", "120000", "-1"), "DONE");
    }

    @Test
    void twoJvmsInsertingForOneOwnerNeverCollide(PostgresServerGroup servers) throws Exception {
        run(servers.servers().get(0), 2, 1000);
    }

    @Test
    void twentyJvmsInsertingForOneOwnerNeverCollide(PostgresServerGroup servers) throws Exception {
        run(servers.servers().get(0), 20, 100);
    }

    @Test
    void aKilledJvmRestartedWithItsClockSteppedBackRepeatsNoId(PostgresServerGroup servers) throws Exception {
        PostgresServer server = servers.servers().get(0);
        String db = database(server);
        Path logs = Files.createDirectories(Path.of("target", "node-id-child"));
        File firstLog = logs.resolve("killed.log").toFile();
        Process first = child(server, db, 0, 0, 1000, -1, firstLog);
        int node;
        try {
            assertTrue(await(60_000, () -> !first.isAlive() || read(firstLog).contains("INSERTED 500")), () -> "child: " + read(firstLog));
            node = nodeOf(read(firstLog));
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        long before = count(server, db, "select count(*) from posts");
        assertTrue(before >= 500, "rows " + before);
        Thread.sleep(1500); // the 1 s lease expires
        File secondLog = logs.resolve("restarted.log").toFile();
        Process second = child(server, db, 1000, -2000, 1000, node, secondLog);
        assertTrue(second.waitFor(120, TimeUnit.SECONDS), "restarted child finished");
        String out = read(secondLog);
        assertTrue(out.contains("DONE") && out.contains("FAILED 0 "), out);
        assertEquals(node, nodeOf(out), "the restarted JVM got the same node id");
        assertEquals(before + 1000, count(server, db, "select count(*) from posts"));
        assertEquals(before + 1000, count(server, db, "select count(distinct id) from posts"));
    }

    private static void run(PostgresServer server, int jvms, int each) throws Exception {
        String db = database(server);
        Path logs = Files.createDirectories(Path.of("target", "node-id-child"));
        List<Process> children = new ArrayList<>();
        List<File> files = new ArrayList<>();
        Path hold = logs.resolve(db + ".release");
        Files.deleteIfExists(hold);
        try {
            for (int i = 0; i < jvms; i++) {
                File log = logs.resolve(db + "-" + i + ".log").toFile();
                Files.deleteIfExists(log.toPath());
                files.add(log);
                // a long lease: on an overloaded machine a renewal may lag; here every JVM holds its lease at once
                children.add(child(server, db, each, 0, 120_000, -1, log, hold.toString()));
            }
            for (int i = 0; i < jvms; i++) {
                Process p = children.get(i);
                File log = files.get(i);
                assertTrue(await(600_000, () -> !p.isAlive() || read(log).contains("HOLDING")), () -> log + ": " + read(log));
            }
            Files.createFile(hold); // all JVMs have inserted and still hold their leases: release them
            for (Process p : children) {
                assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child finished");
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
        Set<Integer> nodes = new HashSet<>();
        for (File f : files) {
            String out = read(f);
            assertTrue(out.contains("DONE") && out.contains("INSERTED " + each + " FAILED 0 "), f + ": " + out);
            nodes.add(nodeOf(out));
        }
        assertEquals(jvms, nodes.size(), "JVMs holding their leases at the same time have distinct node ids: " + nodes);
        assertEquals((long) jvms * each, count(server, db, "select count(*) from posts"));
        assertEquals((long) jvms * each, count(server, db, "select count(distinct id) from posts"));
    }

    private static String database(PostgresServer server) {
        String db = "nodeid_" + DATABASES.incrementAndGet();
        server.createDatabase(db);
        ShardedPersistence.builder().shard("s0", server.jdbcUrl(db), server.username(), "").entities(User.class, Post.class)
                .schema(SchemaAction.CREATE).maximumPoolSize(1).build().close();
        return db;
    }

    private static Process child(PostgresServer server, String db, int count, long clockOffset, long leaseMillis, int node, File log,
                                 String... hold) throws Exception {
        List<String> args = new ArrayList<>(List.of(server.jdbcUrl(db), server.username(), "42", String.valueOf(count),
                String.valueOf(clockOffset), String.valueOf(leaseMillis), String.valueOf(node)));
        args.addAll(List.of(hold));
        return ChildJvms.start(NodeIdChild.class, "128m", args, pb -> pb.redirectErrorStream(true).redirectOutput(log));
    }

    private static int nodeOf(String out) {
        for (String line : out.split("\n")) {
            if (line.startsWith("NODE ")) {
                int node = Integer.parseInt(line.substring(5).trim());
                assertTrue(node >= 0 && node <= ShardAwareId.MAX_NODE_ID);
                return node;
            }
        }
        throw new AssertionError("no NODE line in: " + out);
    }

    private static long count(PostgresServer server, String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(db), server.username(), "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String read(File f) {
        try {
            return Files.readString(f.toPath());
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private static boolean await(long millis, Check check) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(50);
        }
        return check.ok();
    }
}
