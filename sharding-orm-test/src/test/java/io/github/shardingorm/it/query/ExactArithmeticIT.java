package io.github.shardingorm.it.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import io.github.shardingorm.it.query.model.Article;
import io.github.shardingorm.it.query.model.Author;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardedPersistenceTest;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Arithmetic over merged aggregates, exactly as one database computes it: PostgreSQL reads a
 * decimal literal ({@code 1.5}, which JPQL types Double) as a numeric, so {@code avg(x) * 1.5}
 * and {@code count(*) * 1.1} are numeric products read back as the nearest double, not products
 * of doubles; integral arithmetic over COUNT/SUM is bigint and fails on overflow as PostgreSQL
 * does. Compared value and Java type for value and type with one unsharded database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ShardedPersistenceTest(shards = 4, entities = {Article.class, Author.class})
class ExactArithmeticIT {

    private OracleDatabase oracle;
    private long hugeLarger;
    private long hugeSmaller;

    @BeforeAll
    void load(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        List<Article> articles = new ArrayList<>();
        long author = 1;
        // 'three': 3 rows summing 350000000 (avg 116666666.666666666667); 'six': 6 rows summing 700000000 (116666666.66666667)
        for (int score : new int[] {100_000_000, 100_000_000, 150_000_000}) {
            articles.add(new Article(author++, 10L * author, score, "three", new BigDecimal("0.10"), "b"));
        }
        for (int score : new int[] {100_000_000, 100_000_000, 100_000_000, 100_000_000, 150_000_000, 150_000_000}) {
            articles.add(new Article(author++, 10L * author, score, "six", new BigDecimal("0.20"), "b"));
        }
        for (int i = 0; i < 7; i++) {
            articles.add(new Article(author++, 3L * i, i % 3 == 0 ? null : 7 * i + 1, i % 2 == 0 ? "odd" : null,
                    i == 3 ? null : new BigDecimal("1.01").multiply(BigDecimal.valueOf(i)), "b"));
        }
        // overflow material, filtered in by category: int and bigint limits
        articles.add(new Article(author++, 4_611_686_018_427_387_904L, 1_500_000_000, "big", new BigDecimal("9999999999.99"), "b"));
        articles.add(new Article(author, 4_611_686_018_427_387_904L, 1_500_000_000, "big", new BigDecimal("9999999999.99"), "b"));
        // 'huge': two authors on different shards whose sums of createdAt are one double (2^60 + 1, 2^60 + 2), the larger sum's author
        // with the smaller id: ORDER BY sum(a.createdAt) * 1.0 (a numeric, JPQL's Double) desc, a.authorId desc must not tie them
        hugeLarger = 100;
        hugeSmaller = 101;
        while (orm.shardOf(hugeLarger).equals(orm.shardOf(hugeSmaller))) {
            hugeSmaller++;
        }
        articles.add(new Article(hugeLarger, (1L << 60) + 2, 1, "huge", null, "b"));
        articles.add(new Article(hugeSmaller, (1L << 60) + 1, 1, "huge", null, "b"));
        orm.<Article, Long>repository(Article.class).saveAll(articles);
        oracle = OracleDatabase.copyOf(shards);
    }

    @AfterAll
    void dropOracle() {
        if (oracle != null) {
            oracle.close();
        }
    }

    private static final String SMALL = " from Article a where a.category not in ('big', 'huge') or a.category is null";

    static final List<String> QUERIES = List.of(
            "select avg(a.score) * 1.5" + SMALL,
            "select avg(a.score) * 1.5 from Article a where a.category = 'three'",
            "select avg(a.score) * 1.5 from Article a where a.category = 'six'",
            "select sum(a.score) * 2" + SMALL,
            "select avg(a.score) + 1 from Article a where a.category = 'three'",
            "select avg(a.score) + 0.1 from Article a where a.category = 'three'",
            "select count(a) * 1.0" + SMALL,
            "select count(a) * 1.1" + SMALL,
            "select count(a) * 0.1, count(a) / 3.0, count(a) + 0.2" + SMALL,
            "select sum(a.price) * 1.1, avg(a.price) * 1.5, sum(a.price) / count(a)" + SMALL,
            "select sum(a.score) / 7, sum(a.score) % 7, count(a) / 2" + SMALL,
            "select -avg(a.score), avg(a.score) / 3, avg(a.score) - 0.3 from Article a where a.category = 'three'",
            "select max(a.score) * 2, min(a.createdAt) * 3" + SMALL,
            "select coalesce(sum(a.score), 0)" + SMALL,
            "select coalesce(sum(a.score), 0) from Article a where a.category = 'none'",
            "select avg(a.price)" + SMALL,
            "select a.category, avg(a.score) * 1.5, sum(a.price) * 1.1, count(a) * 0.1 from Article a group by a.category order by a.category",
            "select a.category from Article a group by a.category having avg(a.score) = 116666666.66666667 order by a.category",
            "select a.category from Article a group by a.category having avg(a.score) < 116666666.66666667 order by a.category",
            "select a.category, count(a) from Article a group by a.category order by avg(a.score) * 1.5 desc nulls last, a.category",
            "select avg(a.score) * 1.5e0, count(a) * 1.1d" + SMALL,
            "select sum(a.score) * 2L, count(a) * 2" + SMALL,
            "select a.category, count(a) from Article a group by a.category order by avg(a.score) * 1.5 nulls last, a.category",
            "select a.category, avg(a.score) - 0.3 from Article a group by a.category order by avg(a.score) - 0.3 desc nulls last, a.category",
            // % is HQL's mod(): bigint % integer, typed Integer by JPQL
            "select sum(a.score) % 7, count(a) % 3, max(a.score) % 5" + SMALL,
            "select a.category, sum(a.score) % 7 from Article a group by a.category having sum(a.score) % 7 = 4 order by a.category",
            "select coalesce(sum(a.score), 0), coalesce(max(a.score), -1), coalesce(avg(a.score), 0)" + SMALL,
            "select coalesce(sum(a.score), 0), coalesce(max(a.score), -1), coalesce(avg(a.score), 0), coalesce(max(a.category), 'none') "
                    + "from Article a where a.category = 'none'",
            "select a.category, coalesce(sum(a.score), 0) * 1.5, coalesce(min(a.price), 0) from Article a group by a.category "
                    + "order by coalesce(sum(a.score), 0) desc, a.category nulls first",
            "select max(a.score) * 2L, max(a.score) + 1L" + SMALL,
            "select avg(a.price), avg(a.price) * 3, sum(a.price) * 0.1, avg(a.price) / 7 from Article a",
            "select a.category, avg(a.price) from Article a group by a.category order by avg(a.price) desc, a.category",
            // PostgreSQL's promotions: coalesce(numeric, int) is a numeric, sum of a bigint a numeric
            "select coalesce(avg(a.score), -1) / 3, coalesce(avg(a.score), -1) * 1 from Article a where a.category = 'none'",
            "select coalesce(max(a.price), 1) / 3, coalesce(sum(a.score), 2L) / 3 from Article a where a.category = 'none'",
            "select a.category, sum(a.createdAt) * 1.5 from Article a where a.category not in ('big', 'huge') group by a.category "
                    + "having sum(a.createdAt) / 9 > 2 order by sum(a.createdAt) / 7, a.category",
            "select a.category, sum(a.createdAt) / 7, -sum(a.createdAt) / 7 from Article a where a.category <> 'big' "
                    + "group by a.category order by a.category",
            // a user's mix
            "select count(distinct a.category) * 1.5, max(a.price) - min(a.price), sum(a.price) / sum(a.score)" + SMALL,
            "select a.category, count(a) from Article a group by a.category having count(a) * 0.5 > 1.2 order by 1",
            "select distinct count(a) * 0.1 from Article a group by a.category order by 1",
            "select avg(a.createdAt) * 2, sum(a.createdAt) / count(a), max(a.score) / 2.0, min(a.score) - 0.5" + SMALL,
            "select a.authorId, count(a) * 0.1 from Article a group by a.authorId order by 2 desc, 1",
            // numeric arguments JPQL types Double: PostgreSQL sums and averages them as exact numerics
            "select sum(a.score * 0.1), avg(a.score * 0.1), avg(a.score + 0.5), sum(a.price * 1.1)" + SMALL,
            "select a.category, sum(a.score * 0.1), avg(a.score * 0.3) from Article a group by a.category order by sum(a.score * 0.1), 1",
            // overflow and division by zero: one database fails these, so must the merge
            "select max(a.score) * 2 from Article a where a.category = 'big'",
            "select max(a.score) * 2L from Article a where a.category = 'big'",
            "select sum(a.score) * 2, max(a.score) + 0.5 from Article a where a.category = 'big'",
            "select max(a.createdAt) * 2 from Article a where a.category = 'big'",
            "select -(min(a.createdAt) * 2 - 1) from Article a where a.category = 'big'",
            "select sum(a.createdAt) from Article a where a.category = 'big'",
            "select count(a) / (count(a) - count(a)) from Article a",
            "select avg(a.score) / (count(a) - count(a)) from Article a");

    @Test
    void arithmeticOverAggregatesIsOneDatabases(ShardedPersistence orm) {
        List<String> failures = new ArrayList<>();
        for (String hql : QUERIES) {
            String expected;
            try (Session s = oracle.sessions().openSession()) {
                expected = typed(s.createSelectionQuery(hql, Object[].class).getResultList());
            } catch (RuntimeException e) {
                expected = "an error";
            }
            String actual;
            try {
                actual = typed(orm.query(hql, Object[].class).list());
            } catch (ShardingException e) {
                actual = "an error";
                if (!(e instanceof UnsupportedShardQueryException) && !e.getMessage().contains("out of range")
                        && !e.getMessage().contains("division by zero")) {
                    failures.add(hql + ": the merge's error does not say what failed: " + e);
                }
                if (e instanceof UnsupportedShardQueryException) {
                    actual = "refused " + e.getMessage();
                }
            } catch (RuntimeException e) {
                actual = "threw " + e;
            }
            if (!expected.equals(actual)) {
                failures.add(hql + "\n  expected " + expected + "\n  actual   " + actual);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + QUERIES.size() + " differ:\n" + String.join("\n", failures));
        }
    }

    /**
     * Grouped by the shard key, each shard orders its groups by a numeric that JPQL types Double or
     * Long: the merge must order by the numeric too (asked as its exact text), as one database does.
     */
    @Test
    void shardComputedNumericsMergeInTheDatabasesOrder(ShardedPersistence orm) {
        for (String hql : List.of(
                "select a.authorId, sum(a.createdAt) * 1.0 from Article a where a.category = 'huge' group by a.authorId "
                        + "order by sum(a.createdAt) * 1.0 desc, a.authorId desc",
                "select a.authorId, sum(a.createdAt) * 1.0 from Article a where a.category = 'huge' group by a.authorId "
                        + "order by 2, 1",
                // a numeric JPQL reads as Long (truncated): 78 / 7 and 77 / 7 are one Long (11), two numerics
                "select a.authorId, sum(a.createdAt - 1152921504606846900L) / 7 from Article a where a.category = 'huge' "
                        + "group by a.authorId order by sum(a.createdAt - 1152921504606846900L) / 7 desc, a.authorId desc")) {
            String expected;
            try (Session s = oracle.sessions().openSession()) {
                expected = typed(s.createSelectionQuery(hql, Object[].class).getResultList());
            }
            assertTrue(expected.indexOf(":" + hugeLarger + ",") < expected.indexOf(":" + hugeSmaller + ",") == hql.contains("desc"), expected);
            assertEquals(expected, typed(orm.query(hql, Object[].class).list()), hql);
        }
    }

    private static String typed(List<Object[]> rows) {
        List<String> out = new ArrayList<>();
        for (Object[] row : rows) {
            List<String> values = new ArrayList<>();
            for (Object v : row) {
                values.add(v == null ? "NULL" : v.getClass().getSimpleName() + ":" + v);
            }
            out.add(values.toString());
        }
        return out.toString();
    }
}
