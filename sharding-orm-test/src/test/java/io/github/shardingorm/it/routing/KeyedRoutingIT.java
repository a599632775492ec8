package io.github.shardingorm.it.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.it.model.Device;
import io.github.shardingorm.it.model.Follow;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardPlacement;
import io.github.shardingorm.test.ShardedPersistenceTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Keyed routing against 4 real PostgreSQL shard databases: every write lands on exactly the shard
 * its key routes to (checked straight through JDBC on every shard), children sit with their
 * parent, ids route alone when they can, and bad input writes nothing.
 */
@ShardedPersistenceTest(shards = 4, entities = {User.class, Post.class, Follow.class, Device.class})
class KeyedRoutingIT {

    /** Each test uses its own key range so tests do not see each other's rows. */
    private static final AtomicLong NEXT_KEY = new AtomicLong(1_000);

    private static long keys(int count) {
        return NEXT_KEY.getAndAdd(count);
    }

    @Test
    void usersLandOnExactlyTheShardTheirKeyRoutesTo(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        long first = keys(400);
        for (long id = first; id < first + 400; id++) {
            users.save(new User(id, "user-" + id));
        }
        Set<String> used = new HashSet<>();
        for (long id = first; id < first + 400; id++) {
            List<String> holders = shardsHolding(shards, "select 1 from users where id = ?", id);
            assertEquals(List.of(orm.shardOf(id)), holders, "user " + id);
            used.add(holders.get(0));
        }
        assertEquals(4, used.size(), "400 keys should reach all 4 shards");
    }

    @Test
    void postsLiveOnTheirAuthorsShardAndRouteByIdAlone(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);
        long first = keys(40);
        List<Post> saved = new ArrayList<>();
        for (long author = first; author < first + 40; author++) {
            users.save(new User(author, "author-" + author));
            for (int i = 0; i < 3; i++) {
                saved.add(posts.save(new Post(author, "post " + i + " of " + author)));
            }
        }
        for (Post post : saved) {
            assertNotNull(post.getId());
            String authorShard = orm.shardOf(post.getAuthorId());
            assertEquals(List.of(authorShard), shardsHolding(shards, "select 1 from posts where id = ?", post.getId()));
            assertEquals(List.of(authorShard), shardsHolding(shards, "select 1 from users where id = ?", post.getAuthorId()));
            assertEquals(orm.shardMap().shardOf(ShardAwareId.bucketOf(post.getId())), authorShard, "the id carries the author's bucket");
            Post found = posts.findById(post.getId()).orElseThrow();
            assertEquals(post.getBody(), found.getBody());
            assertEquals(post.getAuthorId(), found.getAuthorId());
        }
    }

    @Test
    void findByShardAwareIdReadsOnlyTheOwningShard(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);
        long author = keys(1);
        Post post = posts.save(new Post(author, "the real one"));
        String owner = orm.shardOf(author);
        ShardDatabase decoyShard = shards.list().stream().filter(d -> !d.id().equals(owner)).findFirst().orElseThrow();
        // A decoy row with the same id on another shard: a fan-out or a wrong route would find it.
        execute(decoyShard, "insert into posts (id, author_id, body) values (?, ?, 'decoy')", post.getId(), author);
        try {
            assertEquals("the real one", posts.findById(post.getId()).orElseThrow().getBody());
        } finally {
            execute(decoyShard, "delete from posts where id = ?", post.getId());
        }
    }

    @Test
    void saveAllGroupsPerShardAndKeepsOrder(ShardedPersistence orm, ShardDatabases shards) {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        long first = keys(500);
        List<User> batch = new ArrayList<>();
        for (long id = first; id < first + 500; id++) {
            batch.add(new User(id, "batch-" + id));
        }
        List<User> saved = users.saveAll(batch);
        assertEquals(500, saved.size());
        for (int i = 0; i < 500; i++) {
            assertEquals(first + i, saved.get(i).getId());
        }
        List<Long> ids = new ArrayList<>();
        for (long id = first + 499; id >= first; id -= 7) {
            ids.add(id);
        }
        ids.add(first + 10_000); // missing: skipped
        List<User> found = users.findAllById(ids);
        assertEquals(ids.size() - 1, found.size());
        for (int i = 0; i < found.size(); i++) {
            assertEquals(ids.get(i), found.get(i).getId(), "findAllById follows the order of the ids");
        }
    }

    @Test
    void saveAllWithOneNullKeyWritesNothing(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);
        long author = keys(1);
        List<Post> batch = List.of(new Post(author, "a"), new Post(author + 1, "b"), new Post(null, "no key"));
        ShardRoutingException e = assertThrows(ShardRoutingException.class, () -> posts.saveAll(batch));
        assertTrue(e.getMessage().contains("Post") && e.getMessage().contains("authorId"), e.getMessage());
        assertEquals(List.of(), shardsHolding(shards, "select 1 from posts where author_id in (?, ?)", author, author + 1));
    }

    /**
     * A batch mixing parents and children is one call, routed as a whole: each entity lands on its
     * key's shard; a bad key or an unmanaged object anywhere writes nothing anywhere.
     */
    @Test
    void saveAllOfParentsAndChildrenIsOneCallRoutedAsAWhole(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        long first = keys(12);
        List<Object> batch = new ArrayList<>();
        for (long author = first; author < first + 12; author++) {
            batch.add(new User(author, "parent-" + author));
            batch.add(new Post(author, "child of " + author));
            batch.add(new Post(author, "second child of " + author));
        }
        List<Object> saved = orm.saveAll(batch);
        assertEquals(batch.size(), saved.size());
        Set<String> used = new HashSet<>();
        for (Object o : saved) {
            if (o instanceof Post post) {
                assertNotNull(post.getId());
                assertEquals(List.of(orm.shardOf(Post.class, post.getAuthorId())),
                        shardsHolding(shards, "select 1 from posts where id = ?", post.getId()));
            } else {
                User user = (User) o;
                String shard = orm.shardOf(User.class, user.getId());
                used.add(shard);
                assertEquals(List.of(shard), shardsHolding(shards, "select 1 from users where id = ?", user.getId()));
            }
        }
        assertTrue(used.size() > 1, "12 authors should use several shards");

        long next = keys(3);
        List<Object> badKey = List.of(new User(next, "ok"), new Post(next, "ok"), new Post(null, "no key"));
        ShardRoutingException e = assertThrows(ShardRoutingException.class, () -> orm.saveAll(badKey));
        assertTrue(e.getMessage().contains("Post") && e.getMessage().contains("authorId"), e.getMessage());
        List<Object> unmanaged = List.of(new User(next + 1, "ok"), "not an entity");
        assertThrows(ShardRoutingException.class, () -> orm.saveAll(unmanaged));
        assertEquals(List.of(), shardsHolding(shards, "select 1 from users where id in (?, ?)", next, next + 1));
        assertEquals(List.of(), shardsHolding(shards, "select 1 from posts where author_id = ?", next));
    }

    /**
     * New rows with assigned ids are inserted outright; a batch that also holds existing rows
     * still merges them (the shard retries the careful way), on every shard, in one call.
     */
    @Test
    void saveAllOfNewAndExistingRowsWithAssignedIdsMergesTheExistingOnes(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        long first = keys(80);
        List<User> existing = new ArrayList<>();
        for (long id = first; id < first + 40; id++) {
            existing.add(new User(id, "old-" + id));
        }
        users.saveAll(existing);
        List<User> mixed = new ArrayList<>();
        for (long id = first; id < first + 80; id++) {
            mixed.add(new User(id, "new-" + id));
        }
        assertEquals(80, users.saveAll(mixed).size());
        for (long id = first; id < first + 80; id += 3) {
            assertEquals("new-" + id, users.findById(id).orElseThrow().getName());
            assertEquals(List.of(orm.shardOf(id)), shardsHolding(shards, "select 1 from users where id = ?", id));
        }
    }

    @Test
    void updateAndDeleteTouchOnlyTheOwningShard(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        long id = keys(2);
        users.save(new User(id, "before"));
        users.save(new User(id + 1, "neighbour"));
        User detached = users.findById(id).orElseThrow();
        detached.setName("after");
        users.save(detached);
        assertEquals("after", users.findById(id).orElseThrow().getName());
        assertTrue(users.existsById(id));

        users.deleteById(id);
        assertFalse(users.existsById(id));
        assertEquals(List.of(), shardsHolding(shards, "select 1 from users where id = ?", id));
        users.deleteById(id); // already gone: no-op
        users.delete(users.findById(id + 1).orElseThrow());
        assertEquals(List.of(), shardsHolding(shards, "select 1 from users where id = ?", id + 1));
    }

    @Test
    void anIntChildKeyCoLocatesWithItsLongParent(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        ShardedRepository<Follow, Long> follows = orm.repository(Follow.class);
        int follower = (int) keys(1);
        users.save(new User((long) follower, "follower"));
        Follow f = follows.save(new Follow(follower, 7L));
        String shard = orm.shardOf((long) follower);
        assertEquals(shard, orm.shardOf(follower), "int and long keys route the same");
        assertEquals(List.of(shard), shardsHolding(shards, "select 1 from follows where follower_id = ?", follower));
        assertTrue(follows.findById(follower, f.getId()).isPresent());
        ShardRoutingException e = assertThrows(ShardRoutingException.class, () -> follows.findById(f.getId()));
        assertTrue(e.getMessage().contains("findById(key, id)"), e.getMessage());
    }

    @Test
    void uuidKeysWithPropertyAccessRoute(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<Device, UUID> devices = orm.repository(Device.class);
        java.util.Random random = new java.util.Random(keys(1));
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            devices.save(new Device(id, "d" + i));
            assertEquals(List.of(orm.shardOf(id)), shardsHolding(shards, "select 1 from devices where id = ?", id));
            assertEquals("d" + i, devices.findById(id).orElseThrow().getLabel());
            used.add(orm.shardOf(id));
        }
        assertTrue(used.size() > 1);
    }

    @Test
    void persistingAnEntityOfAnotherShardThrowsBeforeAnythingIsWritten(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        long a = keys(1);
        long b = keyOnAnotherShard(orm, a);
        ShardRoutingException e = assertThrows(ShardRoutingException.class,
                () -> orm.inTransaction(a, s -> s.persist(new User(b, "stray"))));
        String msg = e.getMessage();
        assertTrue(msg.contains("User") && msg.contains(String.valueOf(b)) && msg.contains(orm.shardOf(a))
                && msg.contains(orm.shardOf(b)), msg);
        assertEquals(orm.shardOf(b), e.getShardId());
        assertEquals(List.of(), shardsHolding(shards, "select 1 from users where id = ?", b));

        assertThrows(ShardRoutingException.class, () -> orm.inTransaction(a, s -> s.merge(new User(b, "stray"))));
        assertEquals(List.of(), shardsHolding(shards, "select 1 from users where id = ?", b));
    }

    @Test
    void changingTheKeyOfAPersistentEntityThrowsAndLeavesTheRow(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);
        long author = keys(1);
        Post post = posts.save(new Post(author, "keep me"));
        long other = keyOnAnotherShard(orm, author);
        ShardRoutingException e = assertThrows(ShardRoutingException.class,
                () -> posts.inTransaction(author, s -> s.find(Post.class, post.getId()).setAuthorId(other)));
        assertTrue(e.getMessage().contains("authorId") && e.getMessage().contains("stranded"), e.getMessage());
        assertEquals(author, posts.findById(post.getId()).orElseThrow().getAuthorId());
        // Detached save with a changed key: the new key routes elsewhere; merge there finds no row and the
        // old row stays, so a detached key change is refused by the same guard only within one session.
        assertEquals(List.of(orm.shardOf(author)), shardsHolding(shards, "select 1 from posts where id = ?", post.getId()));
    }

    @Test
    void badInputIsRejectedWithTheEntityKeyAndShardNamed(ShardedPersistence orm) {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);

        ShardRoutingException nullKey = assertThrows(ShardRoutingException.class, () -> users.save(new User(null, "x")));
        assertTrue(nullKey.getMessage().contains("User") && nullKey.getMessage().contains("'id' is null"), nullKey.getMessage());

        @SuppressWarnings({"unchecked", "rawtypes"})
        ShardedRepository<User, Object> raw = (ShardedRepository) users;
        ShardRoutingException wrongType = assertThrows(ShardRoutingException.class, () -> raw.findById("42"));
        assertTrue(wrongType.getMessage().contains("java.lang.String") && wrongType.getMessage().contains("integral"),
                wrongType.getMessage());

        assertThrows(ShardRoutingException.class, () -> orm.inTransaction(3.5d, s -> { }));
        assertThrows(ShardRoutingException.class, () -> orm.inTransaction(null, s -> { }));

        ShardRoutingException unknownShard = assertThrows(ShardRoutingException.class,
                () -> orm.fromTransactionOnShard("s9", s -> null));
        assertTrue(unknownShard.getMessage().contains("'s9'") && unknownShard.getMessage().contains("s0"), unknownShard.getMessage());

        ShardRoutingException unmanaged = assertThrows(ShardRoutingException.class, () -> orm.repository(String.class));
        assertTrue(unmanaged.getMessage().contains("java.lang.String"), unmanaged.getMessage());

        long idFromAnotherCluster = ShardAwareId.compose(1000, 5000, 0, 0); // bucket 5000 >= 4096 buckets
        ShardRoutingException badBucket = assertThrows(ShardRoutingException.class, () -> posts.findById(idFromAnotherCluster));
        assertTrue(badBucket.getMessage().contains("bucket 5000"), badBucket.getMessage());
        assertThrows(ShardRoutingException.class, () -> posts.findById(-5L));

        // findById(null) is a routing failure, as the README promises, for an id-is-key and a @ShardedId entity alike
        ShardRoutingException nullId = assertThrows(ShardRoutingException.class, () -> users.findById(null));
        assertTrue(nullId.getMessage().contains("User") && nullId.getMessage().contains("null"), nullId.getMessage());
        assertThrows(ShardRoutingException.class, () -> posts.findById(null));
        assertThrows(ShardRoutingException.class, () -> posts.deleteById(null));

        // the typed shardOf checks the key against the entity's key type; the untyped one routes any supported key
        ShardRoutingException typed = assertThrows(ShardRoutingException.class, () -> orm.shardOf(User.class, "abc"));
        assertTrue(typed.getMessage().contains("User") && typed.getMessage().contains("java.lang.String"), typed.getMessage());
        assertEquals("User", typed.getEntityName());
        assertEquals(orm.shardOf(42L), orm.shardOf(User.class, 42L));
        assertEquals(orm.shardOf(42L), orm.shardOf(Post.class, 42));
        assertNotNull(orm.shardOf("abc"));
        assertThrows(ShardRoutingException.class, () -> orm.shardOf(User.class, null));
        assertThrows(ShardRoutingException.class, () -> orm.shardOf(String.class, 42L));
    }

    @Test
    void placementCheckCountsRowsAndCatchesAMisplacedRow(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        long before = ShardPlacement.check(orm, shards).totalRows("User");
        long first = keys(10);
        for (long id = first; id < first + 10; id++) {
            users.save(new User(id, "counted"));
        }
        ShardPlacement.Report report = ShardPlacement.check(orm, shards);
        report.assertAllPlaced();
        assertEquals(before + 10, report.totalRows("User"));
        assertEquals(report.totalRows("User"), users.count(), "count() sums every shard");

        long stray = keys(1);
        ShardDatabase wrong = shards.list().stream().filter(d -> !d.id().equals(orm.shardOf(stray))).findFirst().orElseThrow();
        execute(wrong, "insert into users (id, name) values (?, 'misplaced')", stray);
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> ShardPlacement.check(orm, shards).assertAllPlaced());
            assertTrue(e.getMessage().contains("id=" + stray) && e.getMessage().contains("'" + wrong.id() + "'"), e.getMessage());
        } finally {
            execute(wrong, "delete from users where id = ?", stray);
        }
    }

    // ---------------------------------------------------------------------------------------------

    static long keyOnAnotherShard(ShardedPersistence orm, long key) {
        String shard = orm.shardOf(key);
        long candidate = key + 1;
        while (orm.shardOf(candidate).equals(shard)) {
            candidate++;
        }
        NEXT_KEY.accumulateAndGet(candidate + 1, Math::max);
        return candidate;
    }

    /** One open connection per shard for the JDBC checks, closed after the class. */
    private static final java.util.Map<String, Connection> CHECK_CONNECTIONS = new java.util.concurrent.ConcurrentHashMap<>();

    @org.junit.jupiter.api.AfterAll
    static void closeCheckConnections() throws SQLException {
        for (Connection c : CHECK_CONNECTIONS.values()) {
            c.close();
        }
        CHECK_CONNECTIONS.clear();
    }

    static Connection checkConnection(ShardDatabase db) throws SQLException {
        Connection c = CHECK_CONNECTIONS.get(db.id());
        if (c == null) {
            c = db.connect();
            CHECK_CONNECTIONS.put(db.id(), c);
        }
        return c;
    }

    static List<String> shardsHolding(ShardDatabases shards, String sql, Object... args) throws SQLException {
        List<String> holders = new ArrayList<>();
        for (ShardDatabase db : shards) {
            try (PreparedStatement ps = checkConnection(db).prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        holders.add(db.id());
                    }
                }
            }
        }
        return holders;
    }

    static void execute(ShardDatabase db, String sql, Object... args) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
