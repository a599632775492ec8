package io.github.shardingorm.it.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardScope;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardedPersistenceTest;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.HibernateException;
import org.hibernate.Session;
import org.junit.jupiter.api.Test;

/**
 * Plain Jakarta Persistence code inside {@code orm.bind(key)} on 4 real PostgreSQL shards, and
 * transactions that compose: repository calls and queries inside a transaction join it on its shard
 * (same commit, same rollback) and are refused on another. Placement and absence checked by direct SQL.
 */
@ShardedPersistenceTest(shards = 4, entities = {User.class, Post.class})
class ShardScopeIT {

    private static final AtomicLong NEXT_KEY = new AtomicLong(50_000);

    /** Two keys on different shards. */
    private static long[] keysOnTwoShards(ShardedPersistence orm) {
        long a = NEXT_KEY.getAndIncrement();
        long b = NEXT_KEY.getAndIncrement();
        while (orm.shardOf(b).equals(orm.shardOf(a))) {
            b = NEXT_KEY.getAndIncrement();
        }
        return new long[] {a, b};
    }

    @Test
    void plainEntityManagerCodeRunsOnTheBoundShard(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            long key = NEXT_KEY.getAndIncrement();
            keys.add(key);
            try (ShardScope scope = orm.bind(key)) {
                assertEquals(orm.shardOf(key), scope.shardId());
                EntityManager em = orm.sessionFactory().createEntityManager();
                em.getTransaction().begin();
                em.persist(new User(key, "user " + key));
                em.persist(new Post(key, "first post of " + key));
                em.getTransaction().commit();
                em.clear();
                assertEquals("user " + key, em.find(User.class, key).getName());
                Long posts = em.createQuery("select count(p) from Post p where p.authorId = :a", Long.class)
                        .setParameter("a", key).getSingleResult();
                assertEquals(1L, posts);
                em.close();
            }
        }
        for (long key : keys) {
            assertEquals(List.of(orm.shardOf(key)), holders(shards, "select 1 from users where id = ?", key), "user " + key);
            assertEquals(List.of(orm.shardOf(key)), holders(shards, "select 1 from posts where author_id = ?", key), "post " + key);
        }
        long[] two = keysOnTwoShards(orm);
        orm.repository(User.class).save(new User(two[0], "elsewhere"));
        try (ShardScope scope = orm.bind(two[1])) {
            EntityManager em = orm.sessionFactory().createEntityManager();
            assertNull(em.find(User.class, two[0]), "a find in a scope looks on the bound shard only");
            em.close();
        }
    }

    @Test
    void getCurrentSessionIsTheScopesSession(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        long key = NEXT_KEY.getAndIncrement();
        try (ShardScope scope = orm.bind(key)) {
            Session current = orm.sessionFactory().getCurrentSession();
            assertSame(scope.session(), current);
            current.beginTransaction();
            current.persist(new User(key, "current"));
            current.getTransaction().commit();
        }
        assertEquals(List.of(orm.shardOf(key)), holders(shards, "select 1 from users where id = ?", key));
        HibernateException outside = assertThrows(HibernateException.class, () -> orm.sessionFactory().getCurrentSession());
        assertTrue(outside.getMessage().contains("orm.bind(key)"), outside.getMessage());
    }

    @Test
    void aScopeIsAlwaysClearedAlsoOnExceptions(ShardedPersistence orm) {
        long key = NEXT_KEY.getAndIncrement();
        assertThrows(IllegalStateException.class, () -> {
            try (ShardScope scope = orm.bind(key)) {
                scope.session();
                throw new IllegalStateException("boom");
            }
        });
        // Nothing bound any more: Hibernate refuses a session without a tenant.
        RuntimeException unbound = assertThrows(RuntimeException.class, () -> orm.sessionFactory().createEntityManager());
        assertTrue(unbound.getMessage().toLowerCase().contains("tenant"), unbound.getMessage());
    }

    @Test
    void nestingTheSameShardIsAllowedAnotherShardIsRefused(ShardedPersistence orm) {
        long[] two = keysOnTwoShards(orm);
        long sameShard = NEXT_KEY.getAndIncrement();
        while (!orm.shardOf(sameShard).equals(orm.shardOf(two[0]))) {
            sameShard = NEXT_KEY.getAndIncrement();
        }
        try (ShardScope outer = orm.bind(two[0])) {
            try (ShardScope inner = orm.bind(sameShard)) {
                assertSame(outer.session(), inner.session(), "a nested scope of the same shard shares the session");
            }
            assertTrue(outer.isOpen());
            assertTrue(outer.session().isOpen(), "closing the inner scope leaves the outer one's session open");
            ShardRoutingException refused = assertThrows(ShardRoutingException.class, () -> orm.bind(two[1]));
            assertTrue(refused.getMessage().contains("'" + orm.shardOf(two[0]) + "'")
                    && refused.getMessage().contains("'" + orm.shardOf(two[1]) + "'"), refused.getMessage());
            assertEquals(outer.shardId(), orm.sessionFactory().getCurrentSession().getTenantIdentifierValue(),
                    "the refused bind left the outer binding in place");
        }
    }

    @Test
    void badInputIsRefusedClearly(ShardedPersistence orm) throws Exception {
        assertThrows(ShardRoutingException.class, () -> orm.bind(null));
        assertThrows(ShardRoutingException.class, () -> orm.bind(new Object()));
        long key = NEXT_KEY.getAndIncrement();
        try (ShardScope scope = orm.bind(key)) {
            CompletableFuture<Throwable> elsewhere = CompletableFuture.supplyAsync(() -> {
                try {
                    scope.session();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Throwable t = elsewhere.get();
            assertTrue(t instanceof IllegalStateException && t.getMessage().contains("belongs to thread"), String.valueOf(t));
            Throwable closing = CompletableFuture.supplyAsync(() -> {
                try {
                    scope.close();
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            }).get();
            assertTrue(closing instanceof IllegalStateException, String.valueOf(closing));
            assertTrue(scope.isOpen(), "a close from another thread changes nothing");
        }
    }

    @Test
    void aRepositorySaveInsideInTransactionRollsBackWithIt(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);
        ShardedRepository<User, Long> users = orm.repository(User.class);
        long key = NEXT_KEY.getAndIncrement();
        assertThrows(IllegalStateException.class, () -> orm.inTransaction(key, session -> {
            session.persist(new User(key, "rolled back"));
            posts.save(new Post(key, "rolled back too"));
            users.findById(key).orElseThrow(); // a joined read sees the transaction's own, unflushed write
            throw new IllegalStateException("the surrounding work fails");
        }));
        assertEquals(List.of(), holders(shards, "select 1 from users where id = ?", key));
        assertEquals(List.of(), holders(shards, "select 1 from posts where author_id = ?", key), "the repository's save was rolled back");

        orm.inTransaction(key, session -> {
            session.persist(new User(key, "committed"));
            posts.save(new Post(key, "committed too"));
            List<Post> seen = posts.query("select p from Post p where p.authorId = :a").param("a", key).list();
            assertEquals(1, seen.size(), "a keyed query in the transaction sees its uncommitted post");
        });
        assertEquals(List.of(orm.shardOf(key)), holders(shards, "select 1 from posts where author_id = ?", key));
    }

    @Test
    void aScopesOwnTransactionIsJoinedToo(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);
        long key = NEXT_KEY.getAndIncrement();
        try (ShardScope scope = orm.bind(key)) {
            Session session = scope.session();
            session.beginTransaction();
            session.persist(new User(key, "scoped"));
            posts.save(new Post(key, "scoped post"));
            session.getTransaction().rollback();
        }
        assertEquals(List.of(), holders(shards, "select 1 from posts where author_id = ?", key));
        assertEquals(List.of(), holders(shards, "select 1 from users where id = ?", key));
    }

    @Test
    void callsForAnotherShardInsideATransactionAreRefused(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);
        ShardedRepository<User, Long> users = orm.repository(User.class);
        long[] two = keysOnTwoShards(orm);
        String here = orm.shardOf(two[0]);
        String there = orm.shardOf(two[1]);
        List<RuntimeException> refusals = new ArrayList<>();
        orm.inTransaction(two[0], session -> {
            session.persist(new User(two[0], "here"));
            refusals.add(assertThrows(ShardRoutingException.class, () -> posts.save(new Post(two[1], "there"))));
            refusals.add(assertThrows(ShardRoutingException.class,
                    () -> users.saveAll(List.of(new User(two[0] + 1_000_000, "x"), new User(two[1], "y")))));
            refusals.add(assertThrows(ShardRoutingException.class, () -> users.findById(two[1])));
            refusals.add(assertThrows(ShardRoutingException.class, () -> orm.inTransaction(two[1], s -> s.persist(new User(two[1], "y")))));
            refusals.add(assertThrows(ShardRoutingException.class,
                    () -> posts.query("select p from Post p where p.authorId = :a").param("a", two[1]).list()));
            refusals.add(assertThrows(ShardRoutingException.class, () -> posts.query("select p from Post p order by p.id").list()));
            refusals.add(assertThrows(ShardRoutingException.class, users::count));
        });
        for (RuntimeException refusal : refusals) {
            assertTrue(refusal.getMessage().contains("'" + here + "'") && refusal.getMessage().contains(there)
                    && refusal.getMessage().contains("saga"), refusal.getMessage());
        }
        assertEquals(List.of(here), holders(shards, "select 1 from users where id = ?", two[0]), "the surrounding work committed");
        assertEquals(List.of(), holders(shards, "select 1 from posts where author_id = ?", two[1]));
        assertEquals(List.of(), holders(shards, "select 1 from users where id = ?", two[1]));
        assertFalse(orm.repository(User.class).findById(two[0] + 1_000_000).isPresent(), "nothing of the refused saveAll written");
    }

    @Test
    void aFailedJoinedCallMarksTheTransactionRollbackOnly(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        long key = NEXT_KEY.getAndIncrement();
        users.save(new User(key, "exists"));
        long other = NEXT_KEY.getAndIncrement();
        while (!orm.shardOf(other).equals(orm.shardOf(key))) {
            other = NEXT_KEY.getAndIncrement();
        }
        long fresh = other;
        assertThrows(RuntimeException.class, () -> orm.inTransaction(key, session -> {
            session.persist(new User(fresh, "would commit"));
            try {
                users.fromTransaction(key, s -> {
                    throw new IllegalArgumentException("a joined call fails");
                });
            } catch (IllegalArgumentException swallowed) {
                // the caller swallows it; the transaction must not commit anyway
            }
        }));
        assertEquals(List.of(), holders(shards, "select 1 from users where id = ?", fresh));
    }

    private static List<String> holders(ShardDatabases shards, String sql, Object arg) throws SQLException {
        List<String> holders = new ArrayList<>();
        for (ShardDatabase db : shards) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        holders.add(db.id());
                    }
                }
            }
        }
        return holders;
    }
}
