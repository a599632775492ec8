package io.github.shardingorm.it.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.it.query.model.Article;
import io.github.shardingorm.query.ShardedQuery;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.query.SelectionQuery;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Text merged across shards under the databases' collation, exact or refused: on C databases
 * fan-out text ORDER BY and MIN/MAX equal one database's answer; on ICU ({@code en-US}) and glibc
 * ({@code en_US.UTF-8}) databases, whose order Java cannot reproduce, they are refused with a
 * message saying how to make them mergeable, while keyed text ordering, non-text ordering and
 * text equality still answer exactly; shards that disagree on collation are refused too. One
 * private server (it sees locales installed after the shared server started).
 */
@PostgresServers(count = 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TextCollationIT {

    private static final String[] WORDS = {"_under", "Zulu", "zulu", "100", "\u00c4lpha", "alpha", "a b", "ab", "Beta", "beta", "\u00e9t\u00e9", "ete"};
    private static final String TEXT_ORDER = "select a.category, a.id from Article a order by a.category, a.id";
    private static final String TEXT_MIN_MAX = "select min(a.category), max(a.category) from Article a";
    private static final String KEYED_TEXT_ORDER = "select a.category, a.id from Article a where a.authorId = :k order by a.category desc, a.id";
    private static final String NUMBER_ORDER = "select a.id, a.category from Article a order by a.id desc";
    private static final String GROUPED = "select a.category, count(a) from Article a group by a.category";

    private PostgresServer server;

    @BeforeAll
    void start(PostgresServerGroup servers) {
        server = servers.servers().get(0);
    }

    @Test
    void cCollatedShardsMergeTextExactly() throws Exception {
        try (Fixture f = new Fixture("coll_c", "LOCALE 'C'", "LOCALE 'C'")) {
            assertEquals(f.oracle(TEXT_ORDER, Map.of()), f.sharded(TEXT_ORDER, Map.of()));
            assertEquals(f.oracle(TEXT_MIN_MAX, Map.of()), f.sharded(TEXT_MIN_MAX, Map.of()));
            f.answersWhatNeedsNoTextMerge();
        }
    }

    @Test
    void icuCollatedShardsRefuseTextMergesAndAnswerTheRestExactly() throws Exception {
        String icu = "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'";
        try (Fixture f = new Fixture("coll_icu", icu, icu)) {
            f.oracleIsNotCodePointOrder();
            f.refusesTextMerges("icu:en-US");
            f.answersWhatNeedsNoTextMerge();
        }
    }

    @Test
    void glibcCollatedShardsRefuseTextMergesAndAnswerTheRestExactly() throws Exception {
        requireLocale("en_US.utf8");
        String glibc = "LOCALE 'en_US.UTF-8'";
        try (Fixture f = new Fixture("coll_glibc", glibc, glibc)) {
            f.oracleIsNotCodePointOrder();
            f.refusesTextMerges("en_US.UTF-8");
            f.answersWhatNeedsNoTextMerge();
        }
    }

    @Test
    void shardsThatDisagreeOnCollationRefuseTextMerges() throws Exception {
        try (Fixture f = new Fixture("coll_mixed", "LOCALE 'C'", "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'")) {
            UnsupportedShardQueryException e = assertThrows(UnsupportedShardQueryException.class, () -> f.sharded(TEXT_ORDER, Map.of()));
            assertTrue(e.getMessage().contains("do not share one C collation") && e.getMessage().contains("icu:en-US"), e.getMessage());
        }
    }

    /** The glibc locale must exist on this machine (.ci/run installs it with localedef); never skip silently. */
    private static void requireLocale(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        if (Arrays.stream(all.split("\n")).noneMatch(l -> l.trim().equalsIgnoreCase(name))) {
            fail("the glibc locale " + name + " is not installed on this machine, so the glibc collation test cannot run;"
                    + " install it as root with: localedef -i en_US -f UTF-8 en_US.UTF-8 (.ci/run does this when it is missing)");
        }
    }

    /** Two shard databases and an oracle database created with the given locale clauses, the same rows in both. */
    private final class Fixture implements AutoCloseable {
        private final List<String> databases = new ArrayList<>();
        private final ShardedPersistence orm;
        private final SessionFactory oracle;
        private final long someAuthor;

        Fixture(String name, String shard0Locale, String shard1Locale) throws SQLException {
            create(name + "_s0", shard0Locale);
            create(name + "_s1", shard1Locale);
            create(name + "_oracle", shard0Locale);
            ShardedPersistenceBuilder b = ShardedPersistence.builder();
            b.shard("s0", server.jdbcUrl(name + "_s0"), server.username(), null);
            b.shard("s1", server.jdbcUrl(name + "_s1"), server.username(), null);
            orm = b.entities(Article.class).schema(SchemaAction.UPDATE).maximumPoolSize(2).build();
            List<Article> rows = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                rows.add(new Article(1L + i % 12, (long) i, i, WORDS[i % WORDS.length], BigDecimal.ONE, "b"));
            }
            orm.repository(Article.class).saveAll(rows);
            someAuthor = 3L;
            oracle = new MetadataSources(new StandardServiceRegistryBuilder()
                    .applySetting("hibernate.connection.url", server.jdbcUrl(name + "_oracle"))
                    .applySetting("hibernate.connection.username", server.username())
                    .applySetting("hibernate.hbm2ddl.auto", "create")
                    .build()).addAnnotatedClass(Article.class).buildMetadata().buildSessionFactory();
            try (Connection target = connect(name + "_oracle")) {
                copy(connect(name + "_s0"), target);
                copy(connect(name + "_s1"), target);
            }
        }

        void oracleIsNotCodePointOrder() {
            List<List<Object>> ordered = oracle(TEXT_ORDER, Map.of());
            List<List<Object>> codePoint = new ArrayList<>(ordered);
            codePoint.sort((x, y) -> {
                int c = ((String) x.get(0)).compareTo((String) y.get(0));
                return c != 0 ? c : Long.compare((Long) x.get(1), (Long) y.get(1));
            });
            assertNotEquals(codePoint, ordered, "this collation must order differently from code points, or the test proves nothing");
        }

        void refusesTextMerges(String collation) {
            for (String hql : List.of(TEXT_ORDER, TEXT_MIN_MAX)) {
                UnsupportedShardQueryException e = assertThrows(UnsupportedShardQueryException.class, () -> sharded(hql, Map.of()), hql);
                assertTrue(e.getMessage().contains(collation) && e.getMessage().contains("LC_COLLATE 'C'") && e.getMessage().contains(hql),
                        e.getMessage());
            }
        }

        void answersWhatNeedsNoTextMerge() {
            assertEquals(1, orm.query(KEYED_TEXT_ORDER, Object[].class).param("k", someAuthor).targetShards().size());
            assertEquals(oracle(KEYED_TEXT_ORDER, Map.of("k", someAuthor)), sharded(KEYED_TEXT_ORDER, Map.of("k", someAuthor)));
            assertEquals(oracle(NUMBER_ORDER, Map.of()), sharded(NUMBER_ORDER, Map.of()));
            List<List<Object>> expected = new ArrayList<>(oracle(GROUPED, Map.of()));
            List<List<Object>> actual = new ArrayList<>(sharded(GROUPED, Map.of()));
            expected.sort((x, y) -> x.toString().compareTo(y.toString()));
            actual.sort((x, y) -> x.toString().compareTo(y.toString()));
            assertEquals(expected, actual, "text equality (GROUP BY) is exact under any deterministic collation");
        }

        List<List<Object>> oracle(String hql, Map<String, Object> params) {
            try (Session s = oracle.openSession()) {
                SelectionQuery<Object[]> q = s.createSelectionQuery(hql, Object[].class);
                params.forEach(q::setParameter);
                return rows(q.getResultList());
            }
        }

        List<List<Object>> sharded(String hql, Map<String, Object> params) {
            ShardedQuery<Object[]> q = orm.query(hql, Object[].class);
            for (Map.Entry<String, Object> p : params.entrySet()) {
                q = q.param(p.getKey(), p.getValue());
            }
            return rows(q.list());
        }

        private List<List<Object>> rows(List<Object[]> rows) {
            List<List<Object>> out = new ArrayList<>();
            for (Object[] r : rows) {
                out.add(Arrays.asList(r));
            }
            return out;
        }

        private void create(String database, String locale) throws SQLException {
            try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database);
                st.execute("CREATE DATABASE " + database + " TEMPLATE template0 " + locale);
            }
            databases.add(database);
        }

        private Connection connect(String database) throws SQLException {
            return DriverManager.getConnection(server.jdbcUrl(database), server.username(), "");
        }

        private void copy(Connection source, Connection target) throws SQLException {
            OracleDatabase.copy(source, target, "articles");
        }

        @Override
        public void close() throws SQLException {
            if (orm != null) {
                orm.close();
            }
            if (oracle != null) {
                oracle.close();
            }
            try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
                for (String db : databases) {
                    st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                }
            }
        }
    }
}
