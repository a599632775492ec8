package io.github.shardingorm.it.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.it.writes.model.Country;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingPlan;
import io.github.shardingorm.resharding.ReshardingProgress;
import io.github.shardingorm.resharding.ReshardingRefusedException;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import io.github.shardingorm.test.internal.ChildJvms;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 part 7: importing a single database (users, posts keyed by their author, a reference
 * table of countries, and a table the unit does not map) into 4 shards, offline and online
 * (with a writer on the monolith during the copy); bad input refused before anything is written.
 * Every check is direct SQL: each row on the shard its key maps to, counts and order-independent
 * checksums equal to the monolith's, and no slot, publication, trigger or function left behind.
 */
@PostgresServers(count = 2, settings = {"wal_level=logical", "max_replication_slots=32", "max_wal_senders=32",
        "max_connections=150", "fsync=off", "synchronous_commit=off", "full_page_writes=off"})
class ImportIT {

    private static final int USERS = 3_000;
    private static final int POSTS = 9_000;
    private static final int COUNTRIES = 40;

    /** 64 buckets, 16 per shard. */
    static final ShardMap MAP = ShardMap.builder(64).version(1).assign(0, 15, "s0").assign(16, 31, "s1").assign(32, 47, "s2")
            .assign(48, 63, "s3").build();

    /** The monolith, the 4 shards and the unit over them. */
    private record World(ShardedPersistence orm, ReshardFixture.Shard monolith, List<ReshardFixture.Shard> shards)
            implements AutoCloseable {
        @Override
        public void close() {
            orm.close();
        }
    }

    private static World world(PostgresServerGroup servers, String name) throws SQLException {
        var server = servers.get(0);
        server.createDatabase(name + "_mono");
        ReshardFixture.Shard monolith = new ReshardFixture.Shard("mono", server.jdbcUrl(name + "_mono"), server.username(), "");
        List<ReshardFixture.Shard> shards = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            var s = servers.get(i % 2);
            s.createDatabase(name + "_" + i);
            shards.add(new ReshardFixture.Shard("s" + i, s.jdbcUrl(name + "_" + i), s.username(), ""));
        }
        // the monolith's schema is the unit's own (the same DDL), made by a one-shard unit
        try (ShardedPersistence one = ShardedPersistence.builder().shard("m", monolith.url(), monolith.user(), monolith.password())
                .entities(User.class, Post.class, Country.class).schema(SchemaAction.CREATE).maximumPoolSize(2).build()) {
            assertNotNull(one.shardIds());
        }
        exec(monolith, "INSERT INTO countries (code, name, population) SELECT 'C' || g, 'country ' || g, g * 1000"
                        + " FROM generate_series(1, " + COUNTRIES + ") g",
                "INSERT INTO users (id, name) SELECT g, 'user ' || g FROM generate_series(1, " + USERS + ") g",
                "INSERT INTO posts (id, author_id, body) SELECT g, 1 + g % " + USERS + ", 'post ' || g || ' ' || repeat('x', 80)"
                        + " FROM generate_series(1, " + POSTS + ") g",
                "CREATE TABLE audit_log (id bigserial PRIMARY KEY, what text NOT NULL)",
                "INSERT INTO audit_log (what) SELECT 'event ' || g FROM generate_series(1, 100) g",
                "CREATE TABLE nopk (a int, b text)", "ANALYZE");
        var builder = ShardedPersistence.builder();
        shards.forEach(s -> builder.shard(s.id(), s.url(), s.user(), s.password()));
        ShardedPersistence orm = builder.entities(User.class, Post.class, Country.class).schema(SchemaAction.CREATE).bucketCount(64)
                .strategy(ShardingStrategies.hash(MAP)).maximumPoolSize(2).build();
        return new World(orm, monolith, shards);
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten(PostgresServerGroup servers) throws Exception {
        try (World w = world(servers, "imp_bad")) {
            exec(w.shards().get(2), "INSERT INTO users (id, name) VALUES (999999, 'already here')");
            ReshardingRefusedException e = assertThrows(ReshardingRefusedException.class, () -> w.orm().resharding()
                    .importFrom(w.monolith().url(), w.monolith().user(), null)
                    .table("audit_log").sharded("id")
                    .table("nopk").reference()
                    .table("posts").sharded("nope")
                    .plan());
            String all = String.join("\n", e.getProblems());
            System.out.println(e.getMessage());
            assertTrue(all.contains("table audit_log does not exist on shard s0"), all);
            assertTrue(all.contains("reference table nopk on the monolith has no primary key"), all);
            assertTrue(all.contains("has no column nope"), all);
            assertTrue(all.contains("public.users on shard s2 already holds rows"), all);
            // nothing written anywhere: no job store on the shards, no slot on the monolith, shard s0 empty
            for (ReshardFixture.Shard s : w.shards()) {
                assertEquals(0, ReshardFixture.count(s, "SELECT count(*) FROM pg_class WHERE relname LIKE 'shorm_reshard%'"), s.id());
            }
            assertEquals(0, ReshardFixture.count(w.shards().get(0), "SELECT count(*) FROM users"));
            assertEquals(List.of(), leftovers(w.monolith()));

            // the monolith on a server without wal_level=logical: online is refused, naming the setting
            String url = System.getenv("SHARDING_ORM_TEST_PG_URL");
            assertNotNull(url, "set SHARDING_ORM_TEST_PG_URL (and SHARDING_ORM_TEST_PG_USER) to the shared PostgreSQL with wal_level"
                    + " replica: this test checks that an online import from it is refused");
            String user = System.getenv().getOrDefault("SHARDING_ORM_TEST_PG_USER", "postgres");
            String wal;
            try (Connection c = DriverManager.getConnection(url, user, System.getenv("SHARDING_ORM_TEST_PG_PASSWORD"));
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW wal_level")) {
                rs.next();
                wal = rs.getString(1);
            }
            if (!wal.equals("logical")) {
                ReshardingRefusedException online = assertThrows(ReshardingRefusedException.class, () -> w.orm().resharding()
                        .importFrom(url, user, System.getenv("SHARDING_ORM_TEST_PG_PASSWORD")).online().plan());
                assertTrue(online.getProblems().stream().anyMatch(p -> p.contains("wal_level=" + wal)), online.getMessage());
            }
            // an unreachable monolith
            ReshardingRefusedException down = assertThrows(ReshardingRefusedException.class, () -> w.orm().resharding()
                    .importFrom("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "nobody", "secret-pw").plan());
            assertTrue(down.getMessage().contains("the monolith") && !down.getMessage().contains("secret-pw"), down.getMessage());
        }
    }

    @Test
    void offlineImportPlacesEveryRowOnItsShardAndVerifies(PostgresServerGroup servers) throws Exception {
        try (World w = world(servers, "imp_off")) {
            ReshardingPlan plan = w.orm().resharding().importFrom(w.monolith().url(), w.monolith().user(), null)
                    .offline().chunkRows(1_000).plan();
            String described = plan.describe();
            System.out.println(described);
            assertTrue(described.contains("left out: ") && described.contains("left out: audit_log, nopk\n"), described);
            assertTrue(described.contains("reference (to every shard): countries"), described);
            List<ReshardingProgress> seen = Collections.synchronizedList(new ArrayList<>());
            ReshardingJob job = plan.start(seen::add);
            job.awaitCompletion();
            assertTrue(job.isDone());
            job.progress().forEach(p -> System.out.println(p.toLine()));
            ReshardingProgress total = job.progress().get(job.progress().size() - 1);
            assertEquals(USERS + POSTS + 4L * COUNTRIES, total.rowsCopied(), total.toLine());
            assertFalse(seen.isEmpty());
            checkEqualToMonolith(w);
            assertEquals(List.of(), job.verify());
            assertEquals(List.of(), leftovers(w.monolith()));
            assertEquals(List.of(), w.orm().resharding().unfinishedImports());
            // the unit reads what was imported
            assertEquals("user 17", w.orm().repository(User.class).findById(17L, 17L).orElseThrow().getName());
            // a second import into the now filled shards is refused
            ReshardingRefusedException again = assertThrows(ReshardingRefusedException.class, () -> w.orm().resharding()
                    .importFrom(w.monolith().url(), w.monolith().user(), null).plan());
            assertTrue(again.getMessage().contains("already holds rows"), again.getMessage());
        }
    }

    @Test
    void onlineImportUnderWritesLosesNothingAndLeavesNothing(PostgresServerGroup servers) throws Exception {
        try (World w = world(servers, "imp_on")) {
            Map<Long, String> users = new ConcurrentHashMap<>();
            for (long id = 1; id <= USERS; id++) {
                users.put(id, "user " + id);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong acknowledged = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> {
                Random random = new Random(7);
                long next = 100_000;
                long post = 1_000_000;
                try (Connection c = w.monolith().connect();
                     PreparedStatement update = c.prepareStatement("UPDATE users SET name = ? WHERE id = ?");
                     PreparedStatement insert = c.prepareStatement("INSERT INTO users (id, name) VALUES (?, ?)");
                     PreparedStatement delete = c.prepareStatement("DELETE FROM users WHERE id = ?");
                     PreparedStatement addPost = c.prepareStatement("INSERT INTO posts (id, author_id, body) VALUES (?, ?, ?)");
                     PreparedStatement movePost = c.prepareStatement("UPDATE posts SET author_id = ?, body = body || '!' WHERE id = ?")) {
                    int n = 0;
                    while (running.get()) {
                        int op = random.nextInt(10);
                        long id = 1 + random.nextInt(USERS);
                        String name = "w" + (++n);
                        try {
                            if (op < 5) {
                                update.setString(1, name);
                                update.setLong(2, id);
                                if (update.executeUpdate() == 1) {
                                    users.put(id, name);
                                }
                            } else if (op < 7) {
                                insert.setLong(1, next);
                                insert.setString(2, name);
                                insert.executeUpdate();
                                users.put(next++, name);
                            } else if (op < 8) {
                                delete.setLong(1, id);
                                delete.executeUpdate();
                                users.remove(id);
                            } else if (op < 9) {
                                addPost.setLong(1, post++);
                                addPost.setLong(2, id);
                                addPost.setString(3, "live post " + name);
                                addPost.executeUpdate();
                            } else {
                                // a key change: the post moves to another author, maybe on another shard
                                movePost.setLong(1, 1 + random.nextInt(USERS));
                                movePost.setLong(2, 1 + random.nextInt(POSTS));
                                movePost.executeUpdate();
                            }
                            acknowledged.incrementAndGet();
                        } catch (SQLException e) {
                            if ("25006".equals(e.getSQLState())) {
                                refused.incrementAndGet();
                                return; // the monolith is frozen: the application now writes to the shards
                            }
                            throw e;
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "monolith-writer");
            writer.start();
            Thread.sleep(300);
            ReshardingPlan plan = w.orm().resharding().importFrom(w.monolith().url(), w.monolith().user(), null).online().plan();
            System.out.println(plan.describe());
            ReshardingJob job = plan.start(null);
            while (!job.awaitCompletion(java.time.Duration.ofSeconds(2))) {
                job.progress().forEach(p -> System.out.println(p.toLine()));
            }
            running.set(false);
            writer.join(30_000);
            assertEquals(List.of(), failures, "the writer failed");
            assertTrue(job.isDone(), job.progress().toString());
            assertEquals(1, refused.get(), "the writer met the freeze");
            assertTrue(acknowledged.get() > 0, "the writer wrote during the import");
            Map<Long, String> found = new HashMap<>();
            for (ReshardFixture.Shard s : w.shards()) {
                try (Connection c = s.connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT id, name FROM users")) {
                    while (rs.next()) {
                        assertTrue(found.put(rs.getLong(1), rs.getString(2)) == null, "user " + rs.getLong(1) + " on one shard only");
                    }
                }
            }
            assertEquals(users, found, "every acknowledged write, nothing else");
            checkEqualToMonolith(w);
            assertEquals(List.of(), job.verify());
            assertEquals(List.of(), leftovers(w.monolith()));
            assertEquals(List.of(), w.orm().resharding().unfinishedImports());
            System.out.printf("online import: %,d acknowledged writes on the monolith during the import%n", acknowledged.get());
            // the freeze is gone: the monolith takes writes again
            exec(w.monolith(), "UPDATE users SET name = name WHERE id = 1");
        }
    }

    @Test
    void commandLineImportsOfflineAndShowsStatus(PostgresServerGroup servers) throws Exception {
        try (World w = world(servers, "imp_cli")) {
            java.util.Properties props = new java.util.Properties();
            props.setProperty("sharding.shards", "s0,s1,s2,s3");
            for (ReshardFixture.Shard s : w.shards()) {
                props.setProperty("sharding.shard." + s.id() + ".url", s.url());
                props.setProperty("sharding.shard." + s.id() + ".username", s.user());
            }
            props.setProperty("sharding.entities", User.class.getName() + "," + Post.class.getName() + "," + Country.class.getName());
            props.setProperty("sharding.buckets", "64");
            props.setProperty("sharding.schema-action", "none");
            props.setProperty("sharding.maximum-pool-size", "2");
            java.nio.file.Path file = java.nio.file.Files.createTempFile("import", ".properties");
            try (var out = java.nio.file.Files.newOutputStream(file)) {
                props.store(out, null);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int status = io.github.shardingorm.resharding.ReshardingCommand.run(new String[] {file.toString(), "import", w.monolith().url(),
                    "--user", w.monolith().user(), "--offline", "--chunk-rows", "2000"}, new java.io.PrintStream(out), new java.io.PrintStream(err));
            System.out.println(out);
            assertEquals(0, status, () -> out + "\n" + err);
            assertTrue(out.toString().contains("left out: audit_log, nopk"), out.toString());
            assertTrue(out.toString().contains("phase COMPLETED"), out.toString());
            checkEqualToMonolith(w);
            java.io.ByteArrayOutputStream st = new java.io.ByteArrayOutputStream();
            assertEquals(0, io.github.shardingorm.resharding.ReshardingCommand.run(new String[] {file.toString(), "status"},
                    new java.io.PrintStream(st), new java.io.PrintStream(err)));
            assertFalse(st.toString().contains("unfinished import"), st.toString());
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void rollbackOfAnOnlineImportMidwayEmptiesTheShardsAndLeavesNothing(PostgresServerGroup servers) throws Exception {
        try (World w = world(servers, "imp_rb")) {
            AtomicLong copied = new AtomicLong();
            ReshardingJob job = w.orm().resharding().importFrom(w.monolith().url(), w.monolith().user(), null).online()
                    .chunkRows(500).throttle(2_000).plan().start(p -> copied.accumulateAndGet(p.rowsCopied(), Math::max));
            assertTrue(MoveCrashIT.await(60_000, () -> copied.get() > 500), "the import copied rows");
            job.rollback();
            for (ReshardFixture.Shard s : w.shards()) {
                for (String table : List.of("users", "posts", "countries")) {
                    assertEquals(0, ReshardFixture.count(s, "SELECT count(*) FROM " + table), table + " on " + s.id());
                }
            }
            assertEquals(List.of(), leftovers(w.monolith()));
            assertEquals(List.of(), w.orm().resharding().unfinishedImports());
            // and the same import can run again from the start
            ReshardingJob again = w.orm().resharding().importFrom(w.monolith().url(), w.monolith().user(), null).offline().plan()
                    .start(null);
            again.awaitCompletion();
            checkEqualToMonolith(w);
        }
    }

    @Test
    void aFailedOnlineImportRollsBackAndLeavesNothing(PostgresServerGroup servers) throws Exception {
        try (World w = world(servers, "imp_fail")) {
            // shard s3 refuses every post: its move fails during the copy, after the others have started
            exec(w.shards().get(3), "ALTER TABLE posts ADD CONSTRAINT refuse_all CHECK (id < 0)");
            ReshardingJob job = w.orm().resharding().importFrom(w.monolith().url(), w.monolith().user(), null).online().plan().start(null);
            io.github.shardingorm.resharding.ReshardingException e = assertThrows(io.github.shardingorm.resharding.ReshardingException.class,
                    job::awaitCompletion);
            assertTrue(e.getMessage().contains("rolled back") && e.getMessage().contains("refuse_all"), e.getMessage());
            for (ReshardFixture.Shard s : w.shards()) {
                for (String table : List.of("users", "posts", "countries")) {
                    assertEquals(0, ReshardFixture.count(s, "SELECT count(*) FROM " + table), table + " on " + s.id());
                }
            }
            assertEquals(List.of(), leftovers(w.monolith()));
            assertEquals(List.of(), w.orm().resharding().unfinishedImports());
        }
    }

    @Test
    void killNineDuringTheCopyThenResumeOffline(PostgresServerGroup servers) throws Exception {
        killAndResume(servers, "imp_k9off", false);
    }

    @Test
    void killNineDuringTheCopyThenResumeOnline(PostgresServerGroup servers) throws Exception {
        killAndResume(servers, "imp_k9on", true);
    }

    @Test
    void killNineDuringTheCatchUpThenResumeOnline(PostgresServerGroup servers) throws Exception {
        killAndResume(servers, "imp_k9cu", true, "catchup");
    }

    @Test
    void killNineDuringTheSwitchThenResumeOnline(PostgresServerGroup servers) throws Exception {
        killAndResume(servers, "imp_k9sw", true, "switch");
    }

    private static void killAndResume(PostgresServerGroup servers, String name, boolean online) throws Exception {
        killAndResume(servers, name, online, null);
    }

    /**
     * An import in a child JVM, killed with SIGKILL while copying (or, online, while a move is held in
     * its catch-up or in its switch with the monolith frozen); planning the same import again resumes it.
     */
    private static void killAndResume(PostgresServerGroup servers, String name, boolean online, String step) throws Exception {
        try (World w = world(servers, name)) {
            java.nio.file.Path log = java.nio.file.Files.createTempFile(name, ".log");
            List<String> args = new ArrayList<>(List.of(step != null ? "online-" + step : online ? "online" : "offline", w.monolith().arg()));
            String reached = step == null ? "COPYING" : step.equals("catchup") ? "CATCHUP" : "SWITCH";
            w.shards().forEach(s -> args.add(s.arg()));
            Process child = ChildJvms.start(ImportChild.class, "256m", args, pb -> pb.redirectErrorStream(true).redirectOutput(log.toFile()));
            try {
                assertTrue(MoveCrashIT.await(120_000, () -> !child.isAlive()
                        || java.nio.file.Files.readString(log).contains(reached)), () -> "the child reached " + reached + ": "
                        + MoveCrashIT.tail(log.toFile()));
                assertTrue(child.isAlive(), () -> "the child ended early: " + MoveCrashIT.tail(log.toFile()));
            } finally {
                child.destroyForcibly();
                child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            List<ReshardingProgress> unfinished = w.orm().resharding().unfinishedImports();
            assertFalse(unfinished.isEmpty(), "the killed import is recorded");
            unfinished.forEach(p -> System.out.println("after kill -9: " + p.toLine()));
            long copiedBefore = unfinished.stream().mapToLong(ReshardingProgress::rowsCopied).sum();
            var imp = w.orm().resharding().importFrom(w.monolith().url(), w.monolith().user(), null).chunkRows(500);
            ReshardingPlan plan = (online ? imp.online() : imp.offline()).plan();
            String killedJob = unfinished.get(0).moveId().substring(0, unfinished.get(0).moveId().lastIndexOf('_'));
            assertEquals(killedJob, plan.id(), "the plan resumes the killed import");
            ReshardingJob job = plan.start(null);
            job.awaitCompletion();
            assertTrue(job.isDone());
            checkEqualToMonolith(w);
            assertEquals(List.of(), leftovers(w.monolith()));
            assertEquals(List.of(), w.orm().resharding().unfinishedImports());
            if (!online) {
                ReshardingProgress total = job.progress().get(job.progress().size() - 1);
                assertEquals(USERS + POSTS + 4L * COUNTRIES, total.rowsCopied(), "every row once: " + total.toLine());
System.out.printf("offline import killed after %,d rows copied; resumed, every row copied once%n", copiedBefore);
            }
        }
    }

    /** Every row on the shard its key maps to; counts and checksums per table equal the monolith's. */
    private static void checkEqualToMonolith(World w) throws SQLException {
        List<String> misplaced = new ArrayList<>();
        for (ReshardFixture.Shard s : w.shards()) {
            try (Connection c = s.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT id FROM users")) {
                    while (rs.next()) {
                        if (!w.orm().shardOf(rs.getLong(1)).equals(s.id())) {
                            misplaced.add("user " + rs.getLong(1) + " on " + s.id());
                        }
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT id, author_id FROM posts")) {
                    while (rs.next()) {
                        if (!w.orm().shardOf(rs.getLong(2)).equals(s.id())) {
                            misplaced.add("post " + rs.getLong(1) + " of author " + rs.getLong(2) + " on " + s.id());
                        }
                    }
                }
            }
            assertEquals(0, ReshardFixture.count(s, "SELECT count(*) FROM pg_class WHERE relname = 'audit_log'"), "left-out table on " + s.id());
        }
        assertEquals(List.of(), misplaced.subList(0, Math.min(10, misplaced.size())), "rows on a shard their key does not map to");
        for (String table : List.of("users", "posts")) {
            long rows = 0;
            BigDecimal sum = BigDecimal.ZERO;
            for (ReshardFixture.Shard s : w.shards()) {
                Object[] d = digest(s, table);
                rows += (Long) d[0];
                sum = sum.add((BigDecimal) d[1]);
            }
            Object[] m = digest(w.monolith(), table);
            assertEquals(m[0], rows, "rows of " + table);
            assertEquals(m[1], sum, "checksum of " + table);
        }
        Object[] m = digest(w.monolith(), "countries");
        for (ReshardFixture.Shard s : w.shards()) {
            Object[] d = digest(s, "countries");
            assertEquals(m[0], d[0], "countries on " + s.id());
            assertEquals(m[1], d[1], "countries' checksum on " + s.id());
        }
    }

    private static Object[] digest(ReshardFixture.Shard s, String table) throws SQLException {
        try (Connection c = s.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(hashtextextended(x::text, 0)), 0) FROM " + table + " x")) {
            rs.next();
            return new Object[] {rs.getLong(1), rs.getBigDecimal(2)};
        }
    }

    /** Slots, publications, freeze triggers and functions, changed replica identities on the monolith. */
    private static List<String> leftovers(ReshardFixture.Shard monolith) throws SQLException {
        List<String> left = new ArrayList<>();
        try (Connection c = monolith.connect(); Statement st = c.createStatement()) {
            for (String sql : List.of("SELECT 'slot ' || slot_name FROM pg_replication_slots",
                    "SELECT 'publication ' || pubname FROM pg_publication",
                    "SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE 'shorm%'",
                    "SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'shorm%'",
                    "SELECT 'replica identity of ' || relname FROM pg_class WHERE relname IN ('users', 'posts', 'countries')"
                            + " AND relreplident <> 'd'")) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        left.add(rs.getString(1));
                    }
                }
            }
        }
        return left;
    }

    private static void exec(ReshardFixture.Shard s, String... sql) throws SQLException {
        try (Connection c = s.connect(); Statement st = c.createStatement()) {
            for (String q : sql) {
                st.execute(q);
            }
        }
    }
}
