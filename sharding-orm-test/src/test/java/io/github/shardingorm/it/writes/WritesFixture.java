package io.github.shardingorm.it.writes;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.it.writes.model.Country;
import io.github.shardingorm.it.writes.model.Wallet;
import io.github.shardingorm.it.writes.model.WriteMark;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared pieces of the cross-shard write tests: the shards as plain JDBC coordinates (so a child
 * JVM can get them on its command line), the test sagas, and direct JDBC checks of every shard.
 */
final class WritesFixture {

    /** A shard: id and JDBC coordinates. */
    record Shard(String id, String url, String user, String password) {

        Connection connect() throws SQLException {
            Connection c = DriverManager.getConnection(url, user, password);
            c.setAutoCommit(true);
            return c;
        }

        String arg() {
            return id + "|" + url + "|" + user + "|" + (password == null ? "" : password);
        }

        static Shard parse(String arg) {
            String[] p = arg.split("\\|", -1);
            return new Shard(p[0], p[1], p[2], p[3]);
        }
    }

    static final String MARKS3 = "marks3";

    private WritesFixture() {
    }

    static List<Shard> shards(ShardDatabases dbs) {
        List<Shard> shards = new ArrayList<>();
        for (ShardDatabase db : dbs) {
            shards.add(new Shard(db.id(), db.jdbcUrl(), db.username(), db.password()));
        }
        return shards;
    }

    /** Shard i on server {@code i % servers}, database {@code name_i}; creates the databases. */
    static List<Shard> shardsOnServers(List<PostgresServer> servers, int count, String name) {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PostgresServer server = servers.get(i % servers.size());
            server.createDatabase(name + "_" + i);
            shards.add(new Shard("s" + i, server.jdbcUrl(name + "_" + i), server.username(), ""));
        }
        return shards;
    }

    static ShardedPersistenceBuilder builder(List<Shard> shards) {
        return builder(shards, SchemaAction.UPDATE);
    }

    static ShardedPersistenceBuilder builder(List<Shard> shards, SchemaAction schema) {
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        for (Shard s : shards) {
            b.shard(s.id(), s.url(), s.user(), s.password());
        }
        return b.entities(WriteMark.class, Wallet.class, Country.class).schema(schema).maximumPoolSize(4);
    }

    /**
     * Three steps on the shards of {@code k0}, {@code k1}, {@code k2}; step i writes mark {@code op:i}, its
     * compensation deletes it. {@code failAt} (optional) makes that step throw; {@code badCompensation}
     * (optional) makes every compensation throw.
     */
    static SagaDefinition marks3() {
        SagaDefinition.Builder b = SagaDefinition.named(MARKS3);
        for (int i = 0; i < 3; i++) {
            final int step = i;
            b.step("mark-" + i, args -> args.get("k" + step), (session, args) -> {
                if (args.get("failAt") != null && args.getInt("failAt") == step) {
                    throw new IllegalStateException("planned failure at step " + step);
                }
                session.persist(new WriteMark(args.getString("op"), step, 3, args.getLong("k" + step)));
            }, (session, args) -> {
                if (Boolean.TRUE.equals(args.get("badCompensation"))) {
                    throw new IllegalStateException("compensation of step " + step + " is broken");
                }
                WriteMark mark = session.find(WriteMark.class, WriteMark.id(args.getString("op"), step));
                if (mark != null) {
                    session.remove(mark);
                }
            });
        }
        return b.build();
    }

    /** A key that routes to {@code shard}, searching from {@code from}. */
    static long keyOn(ShardedPersistence orm, String shard, long from) {
        long k = from;
        while (!orm.shardOf(k).equals(shard)) {
            k++;
        }
        return k;
    }

    /** Group id &rarr; number of marks, over every shard; also checks each mark sits on its key's shard. */
    static Map<String, Integer> marksByGroup(List<Shard> shards, ShardedPersistence orm) throws SQLException {
        Map<String, Integer> groups = new HashMap<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); PreparedStatement ps = c.prepareStatement("SELECT group_id, shard_key FROM write_marks");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.merge(rs.getString(1), 1, Integer::sum);
                    if (orm != null && !orm.shardOf(rs.getLong(2)).equals(s.id())) {
                        throw new AssertionError("mark of " + rs.getString(1) + " with key " + rs.getLong(2) + " is on the wrong shard " + s.id());
                    }
                }
            }
        }
        return groups;
    }

    /** Expected parts of each group (from the marks themselves). */
    static Map<String, Integer> partsByGroup(List<Shard> shards) throws SQLException {
        Map<String, Integer> parts = new HashMap<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); PreparedStatement ps = c.prepareStatement("SELECT group_id, parts FROM write_marks");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return parts;
    }

    /** The marks of one group, as "shard:part". */
    static List<String> marksOf(List<Shard> shards, String group) throws SQLException {
        List<String> found = new ArrayList<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); PreparedStatement ps = c.prepareStatement("SELECT part FROM write_marks WHERE group_id = ? ORDER BY part")) {
                ps.setString(1, group);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(s.id() + ":" + rs.getInt(1));
                    }
                }
            }
        }
        found.sort(null);
        return found;
    }

    /** Saga rows of every shard: id &rarr; {state, arguments}. */
    static Map<String, String[]> sagaRows(List<Shard> shards) throws SQLException {
        Map<String, String[]> rows = new HashMap<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); PreparedStatement ps = c.prepareStatement("SELECT id, state, arguments FROM shorm_saga");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        return rows;
    }

    /** Our prepared transactions left on any shard's database. */
    static List<String> preparedLeft(List<Shard> shards) throws SQLException {
        List<String> left = new ArrayList<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'shorm\\_%'");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    left.add(s.id() + ": " + rs.getString(1));
                }
            }
        }
        return left;
    }

    static long count(Shard shard, String sql) throws SQLException {
        try (Connection c = shard.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Polls {@code condition} every 100 ms up to {@code millis}. */
    static boolean await(long millis, Check condition) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (condition.ok()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.ok();
    }

    /** Waits for the instance's start-up recovery pass, so it cannot race with what the test does next. */
    static void awaitFirstRecoveryPass(ShardedPersistence orm) throws InterruptedException {
        if (!((io.github.shardingorm.internal.boot.ShardedPersistenceImpl) orm).crossShardWrites().awaitFirstPass(30_000)) {
            throw new AssertionError("start-up recovery pass did not finish");
        }
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }
}
