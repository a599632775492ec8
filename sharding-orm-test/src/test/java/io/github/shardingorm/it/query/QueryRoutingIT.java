package io.github.shardingorm.it.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.it.query.model.Article;
import io.github.shardingorm.it.query.model.Author;
import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardQueryException;
import io.github.shardingorm.query.ShardedResult;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import io.github.shardingorm.test.PostgresShardSupport;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardPlacement;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Routing and scatter-gather on 4 real PostgreSQL shards: keyed queries run on exactly the owning
 * shard (every SQL statement is counted per shard), fan-outs run once on every shard on the
 * query threads, bulk statements and native SQL reach every shard, a late shard is cancelled
 * under a timeout, keyset pages and streams agree with the list.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryRoutingIT {

    /** Counts the SQL statements Hibernate sends, per shard (the shard bound to the thread by the session runner). */
    public static final class PerShardStatements implements StatementInspector {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        volatile org.hibernate.context.spi.CurrentTenantIdentifierResolver<?> resolver;

        @Override
        public String inspect(String sql) {
            Object shard = resolver == null ? "boot" : resolver.resolveCurrentTenantIdentifier();
            if (sql.contains("articles") || sql.contains("authors")) {
                counts.computeIfAbsent(String.valueOf(shard), k -> new AtomicInteger()).incrementAndGet();
                threads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " (daemon)" : ""));
            }
            return sql;
        }

        Map<String, Integer> snapshot() {
            return new TreeMap<>(counts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())));
        }

        void reset() {
            counts.clear();
            threads.clear();
        }
    }

    private final PerShardStatements statements = new PerShardStatements();
    private ShardDatabases dbs;
    private ShardedPersistence orm;
    private ShardedRepository<Article, Long> articles;
    private final List<Article> all = new ArrayList<>();

    @BeforeAll
    void start() {
        dbs = PostgresShardSupport.createDatabases(4);
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (ShardDatabase db : dbs) {
            builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        orm = builder.entities(Article.class, Author.class).schema(SchemaAction.CREATE).maximumPoolSize(3)
                .hibernateProperty("hibernate.session_factory.statement_inspector", statements)
                .queryParallelism(4)
                .build();
        statements.resolver = ((org.hibernate.engine.spi.SessionFactoryImplementor) orm.sessionFactory()).getCurrentTenantIdentifierResolver();
        articles = orm.repository(Article.class);
        ShardedRepository<Author, Long> authors = orm.repository(Author.class);
        List<Article> batch = new ArrayList<>();
        for (long author = 1; author <= 40; author++) {
            authors.save(new Author(author, "author-" + author, author % 3 == 0 ? "eu" : "us"));
            for (int i = 0; i < 5; i++) {
                batch.add(new Article(author, author * 10 + i, i, "c" + (author % 4), BigDecimal.valueOf(author + i, 1), "b"));
            }
        }
        all.addAll(articles.saveAll(batch));
    }

    @AfterAll
    void stop() {
        if (orm != null) {
            orm.close();
        }
        if (dbs != null) {
            dbs.close();
        }
    }

    @BeforeEach
    void resetCounts() {
        statements.reset();
    }

    @Test
    void aKeyedQueryRunsOnExactlyTheOwningShard() {
        String owner = orm.shardOf(7L);
        ShardedResult<Article> result = articles.query("select a from Article a where a.authorId = :a order by a.createdAt desc")
                .param("a", 7L).limit(3).result();
        assertEquals(List.of(74L, 73L, 72L), result.rows().stream().map(Article::getCreatedAt).toList());
        assertEquals(Set.of(owner), result.queriedShards());
        assertEquals(Map.of(owner, 1), statements.snapshot(), "one statement, on the owning shard only");
    }

    @Test
    void anInListRunsOnTheOwnersOfItsKeysOnly() {
        long other = 8;
        while (orm.shardOf(other).equals(orm.shardOf(7L))) {
            other++;
        }
        List<Long> keys = List.of(7L, other);
        ShardedResult<Object[]> result = orm.query("select a.authorId, count(a) from Article a where a.authorId in :keys "
                + "group by a.authorId order by a.authorId", Object[].class).param("keys", keys).result();
        assertEquals(2, result.rows().size());
        assertEquals(Set.of(orm.shardOf(7L), orm.shardOf(other)), result.queriedShards());
        assertEquals(Set.of(orm.shardOf(7L), orm.shardOf(other)), statements.snapshot().keySet());
        assertTrue(statements.snapshot().values().stream().allMatch(n -> n == 1), statements.snapshot().toString());
    }

    @Test
    void aQueryThatMatchesNoRowAsksNoShard() {
        long other = 8;
        while (orm.shardOf(other).equals(orm.shardOf(7L))) {
            other++;
        }
        String none = " from Article a where a.authorId = 7 and a.authorId = " + other;
        ShardedResult<Long> count = orm.query("select count(a)" + none, Long.class).result();
        assertEquals(List.of(0L), count.rows());
        assertEquals(Set.of(), count.queriedShards());
        assertEquals(List.of(), articles.query("select a" + none + " order by a.id").list());
        assertEquals(List.of(), articles.query("select a from Article a where a.authorId in :keys").param("keys", List.of()).list());
        assertEquals(0, orm.executeUpdate("update Article a set a.body = 'x'" + none.substring(" from Article a".length()), Map.of()));
        assertEquals(Map.of(), statements.snapshot(), "no statement on any shard");
        // A window function is not merged: its (empty) answer comes from the first shard, running the query as written.
        assertEquals(List.of(), orm.query("select a.id, row_number() over (order by a.id)" + none, Object[].class).list());
        assertEquals(Map.of("s0", 1), statements.snapshot());
    }

    @Test
    void aFanOutRunsOnceOnEveryShardOnTheQueryThreadsAndTheCaller() {
        List<Article> newest = articles.query("select a from Article a order by a.createdAt desc, a.id").limit(5).list();
        assertEquals(List.of(404L, 403L, 402L, 401L, 400L), newest.stream().map(Article::getCreatedAt).toList());
        assertEquals(Map.of("s0", 1, "s1", 1, "s2", 1, "s3", 1), statements.snapshot());
        // The caller runs one shard itself; the others run on the bounded pool's named daemon threads.
        String caller = Thread.currentThread().getName();
        assertTrue(statements.threads.stream().anyMatch(t -> t.startsWith("sharding-orm-query-") && t.endsWith("(daemon)")),
                statements.threads.toString());
        assertTrue(statements.threads.stream().allMatch(t -> t.startsWith("sharding-orm-query-") || t.startsWith(caller)),
                statements.threads.toString());
    }

    @Test
    void aJoinOfCoLocatedEntitiesFansOutAndMerges() {
        List<Object[]> rows = orm.query("select u.name, count(a), sum(a.score) from Article a join Author u on u.id = a.authorId "
                + "where u.region = 'eu' group by u.name order by count(a) desc, u.name limit 3", Object[].class).list();
        assertEquals(3, rows.size());
        assertEquals("author-12", rows.get(0)[0]);
        assertEquals(5L, rows.get(0)[1]);
        assertEquals(10L, rows.get(0)[2]);
    }

    @Test
    void aJoinThatIsNotCoLocatedIsRejectedBeforeAnyShardIsAsked() {
        UnsupportedShardQueryException e = assertThrows(UnsupportedShardQueryException.class,
                () -> orm.query("select a from Article a join Author u on u.id = a.score", Object[].class).list());
        assertTrue(e.getMessage().contains("Article") && e.getMessage().contains("Author"), e.getMessage());
        assertEquals(Map.of(), statements.snapshot());
    }

    @Test
    void criteriaQueriesRouteAndMergeLikeHql() {
        var cb = orm.sessionFactory().getCriteriaBuilder();
        var cq = cb.createQuery(Article.class);
        var a = cq.from(Article.class);
        cq.select(a).where(cb.equal(a.get("authorId"), cb.parameter(Long.class, "k"))).orderBy(cb.asc(a.get("createdAt")));
        List<Article> rows = orm.query(cq).param("k", 9L).list();
        assertEquals(List.of(90L, 91L, 92L, 93L, 94L), rows.stream().map(Article::getCreatedAt).toList());
        var count = cb.createQuery(Long.class);
        count.select(cb.count(count.from(Article.class)));
        assertEquals(200L, orm.query(count).single().orElseThrow());
    }

    @Test
    void keysetPagesAndStreamsAgreeWithTheList() {
        String hql = "select a from Article a order by a.score desc, a.createdAt, a.id";
        List<Long> expected = articles.query(hql).list().stream().map(Article::getId).toList();
        assertEquals(200, expected.size());
        List<Long> paged = new ArrayList<>();
        Article last = null;
        while (true) {
            var q = articles.query(hql).limit(30);
            if (last != null) {
                q = q.after(last.getScore(), last.getCreatedAt(), last.getId());
            }
            List<Article> page = q.list();
            if (page.isEmpty()) {
                break;
            }
            page.forEach(x -> paged.add(x.getId()));
            last = page.get(page.size() - 1);
        }
        assertEquals(expected, paged);
        try (Stream<Article> stream = articles.query(hql).fetchSize(7).stream()) {
            assertEquals(expected, stream.map(Article::getId).toList());
        }
        try (Stream<Article> stream = articles.query(hql).offset(10).limit(25).stream()) {
            assertEquals(expected.subList(10, 35), stream.map(Article::getId).toList());
        }
    }

    @Test
    void bulkStatementsRouteWhenKeyedAndFanOutOtherwise() throws Exception {
        String owner = orm.shardOf(11L);
        assertEquals(5, orm.executeUpdate("update Article a set a.body = 'edited' where a.authorId = :a", Map.of("a", 11L)));
        assertEquals(Map.of(owner, 1), statements.snapshot());
        statements.reset();
        assertEquals(5, orm.executeUpdate("update Article a set a.body = 'edited' where a.body = 'edited'", Map.of()));
        assertEquals(Map.of("s0", 1, "s1", 1, "s2", 1, "s3", 1), statements.snapshot());
        assertEquals(0, orm.executeUpdate("delete from Article a where a.score > 100", Map.of()));
        orm.executeOnAllShards("create index if not exists articles_category on articles (category)");
        for (ShardDatabase db : dbs) {
            assertEquals(1, count(db, "select count(*) from pg_indexes where indexname = 'articles_category'"));
        }
        UnsupportedShardQueryException e = assertThrows(UnsupportedShardQueryException.class,
                () -> orm.executeUpdate("update Article a set a.authorId = 3 where a.authorId = 2", Map.of()));
        assertTrue(e.getMessage().contains("shard key"), e.getMessage());
        ShardPlacement.check(orm, dbs).assertAllPlaced();
    }

    @Test
    void aLateShardIsCancelledAtTheTimeout() throws Exception {
        ShardDatabase blocked = dbs.byId("s2");
        try (Connection lock = blocked.connect()) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("lock table articles in access exclusive mode");
            }
            long start = System.nanoTime();
            ShardQueryException e = assertThrows(ShardQueryException.class, () -> articles.query("select a from Article a")
                    .timeout(Duration.ofMillis(700)).list());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(Set.of("s2"), e.getFailures().keySet(), e.getMessage());
            assertInstanceOf(java.util.concurrent.TimeoutException.class, e.getFailures().get("s2"));
            assertTrue(millis < 5_000, "returned after " + millis + " ms");

            ShardedResult<Article> partial = articles.query("select a from Article a").timeout(Duration.ofMillis(700))
                    .failurePolicy(FailurePolicy.PARTIAL).result();
            assertEquals(Set.of("s2"), partial.missingShards().keySet());
            long expected = all.stream().filter(x -> !orm.shardOf(x.getAuthorId()).equals("s2")).count();
            assertEquals(expected, partial.rows().size());
            // The blocked statements were cancelled: none of ours is still waiting on the lock.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long waiting;
            do {
                Thread.sleep(100);
                waiting = count(blocked, "select count(*) from pg_stat_activity where datname = current_database() "
                        + "and wait_event_type = 'Lock' and query like '%articles%'");
            } while (waiting > 0 && System.nanoTime() < deadline);
            assertEquals(0, waiting, "cancelled statements still wait on the lock");
            lock.rollback();
        }
    }

    private static long count(ShardDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
