package io.github.shardingorm.it.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.internal.resharding.MovedTable;
import io.github.shardingorm.routing.StableKeyHash;
import io.github.shardingorm.test.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The resharding tests' world: shards as JDBC coordinates (so a child JVM gets them as
 * arguments), a users/posts schema (posts keyed by their author, whose key is not in the
 * posts' primary key, so both decoding paths are used), and direct JDBC checks.
 */
final class ReshardFixture {

    static final int BUCKETS = 64;
    static final List<MovedTable> TABLES = List.of(new MovedTable("users", "id"), new MovedTable("posts", "author_id"));
    static final String[] SERVER_SETTINGS = {"wal_level=logical", "max_replication_slots=10", "max_wal_senders=10",
            "fsync=off", "synchronous_commit=off", "full_page_writes=off"};

    record Shard(String id, String url, String user, String password) {

        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        ShardDefinition definition() {
            return new ShardDefinition(id, url, user, password);
        }

        String arg() {
            return id + "|" + url + "|" + user + "|" + (password == null ? "" : password);
        }

        static Shard parse(String arg) {
            String[] p = arg.split("\\|", -1);
            return new Shard(p[0], p[1], p[2], p[3]);
        }
    }

    private ReshardFixture() {
    }

    static int bucketOf(long key) {
        return StableKeyHash.bucketOf(StableKeyHash.hash64(key), BUCKETS);
    }

    /** Shard i on server {@code i % servers}, database {@code name_i}, with the schema. */
    static List<Shard> shards(List<PostgresServer> servers, int count, String name) throws SQLException {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PostgresServer server = servers.get(i % servers.size());
            server.createDatabase(name + "_" + i);
            Shard s = new Shard("s" + i, server.jdbcUrl(name + "_" + i), server.username(), "");
            try (Connection c = s.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE,"
                        + " version int NOT NULL)");
                st.execute("CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint NOT NULL REFERENCES users (id)"
                        + " ON DELETE CASCADE, body text NOT NULL, version int NOT NULL)");
                st.execute("CREATE INDEX posts_author ON posts (author_id)");
            }
            shards.add(s);
        }
        return shards;
    }

    /** Loads {@code users} users (ids 1..n) with two posts each, each on its owner. */
    static void load(List<Shard> shards, String[] owners, int users) throws SQLException {
        Map<String, Connection> cs = new HashMap<>();
        Map<String, PreparedStatement[]> ps = new HashMap<>();
        try {
            for (Shard s : shards) {
                Connection c = s.connect();
                c.setAutoCommit(false);
                cs.put(s.id(), c);
                ps.put(s.id(), new PreparedStatement[] {
                        c.prepareStatement("INSERT INTO users VALUES (?, ?, ?, 0)"),
                        c.prepareStatement("INSERT INTO posts VALUES (?, ?, ?, 0)")});
            }
            for (long id = 1; id <= users; id++) {
                PreparedStatement[] p = ps.get(owners[bucketOf(id)]);
                p[0].setLong(1, id);
                p[0].setString(2, "user " + id);
                p[0].setString(3, "u" + id + "-v0@example.org");
                p[0].addBatch();
                for (int k = 1; k <= 2; k++) {
                    p[1].setLong(1, id * 10 + k);
                    p[1].setLong(2, id);
                    p[1].setString(3, "post " + k + " of " + id + " " + "x".repeat(40));
                    p[1].addBatch();
                }
            }
            for (Shard s : shards) {
                ps.get(s.id())[0].executeBatch();
                ps.get(s.id())[1].executeBatch();
                cs.get(s.id()).commit();
            }
        } finally {
            for (Connection c : cs.values()) {
                c.close();
            }
        }
    }

    /** Every row is on its bucket's owner; returns users id &rarr; version and posts id &rarr; version across shards. */
    static Map<String, Map<Long, Integer>> checkPlacement(List<Shard> shards, String[] owners) throws SQLException {
        Map<Long, Integer> users = new HashMap<>();
        Map<Long, Integer> posts = new HashMap<>();
        List<String> misplaced = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT id, version FROM users")) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        if (!owners[bucketOf(id)].equals(s.id())) {
                            misplaced.add("user " + id + " on " + s.id() + " (bucket " + bucketOf(id) + " owned by " + owners[bucketOf(id)] + ")");
                        }
                        if (users.put(id, rs.getInt(2)) != null) {
                            duplicated.add("user " + id);
                        }
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT id, author_id, version FROM posts")) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        long author = rs.getLong(2);
                        if (!owners[bucketOf(author)].equals(s.id())) {
                            misplaced.add("post " + id + " on " + s.id());
                        }
                        if (posts.put(id, rs.getInt(3)) != null) {
                            duplicated.add("post " + id);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), misplaced.subList(0, Math.min(20, misplaced.size())), "rows on a shard that does not own their bucket");
        assertEquals(List.of(), duplicated.subList(0, Math.min(20, duplicated.size())), "rows on more than one shard");
        return Map.of("users", users, "posts", posts);
    }

    /** Slots and publications left on any shard's server for our databases. */
    static List<String> leftovers(List<Shard> shards) throws SQLException {
        List<String> left = new ArrayList<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE database = current_database()")) {
                    while (rs.next()) {
                        left.add("slot " + rs.getString(1) + " on " + s.id());
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT pubname FROM pg_publication")) {
                    while (rs.next()) {
                        left.add("publication " + rs.getString(1) + " on " + s.id());
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT relname FROM pg_class WHERE relname IN ('users', 'posts')"
                        + " AND relreplident <> 'd'")) {
                    while (rs.next()) {
                        left.add("replica identity of " + rs.getString(1) + " on " + s.id());
                    }
                }
            }
        }
        return left;
    }

    static long count(Shard s, String sql) throws SQLException {
        try (Connection c = s.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
