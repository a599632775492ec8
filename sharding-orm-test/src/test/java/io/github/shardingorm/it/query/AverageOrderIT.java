package io.github.shardingorm.it.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.query.model.Article;
import io.github.shardingorm.it.query.model.Author;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardedPersistenceTest;
import io.github.shardingorm.internal.query.value.PgNumeric;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.hibernate.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Averages that are equal rationals but different PostgreSQL numerics: avg() of integers and
 * numerics is sum / count with numeric division, whose scale depends on the operands, so three
 * rows summing to 350000000 average 116666666.666666666667 and six rows summing to 700000000
 * average 116666666.66666667. One database orders, compares and de-duplicates them as different
 * values although both read back as the same Double. Merged across shards (AVG rewritten to sum
 * and count) and grouped by the shard key (each shard computing its averages) the answer must be
 * exactly the oracle's, in the oracle's order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ShardedPersistenceTest(shards = 4, entities = {Article.class, Author.class})
class AverageOrderIT {

    private OracleDatabase oracle;
    /** Two authors on different shards, the one with the smaller average numeric having the larger id. */
    private long threeRows;
    private long sixRows;

    @BeforeAll
    void load(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        sixRows = 1;
        threeRows = 2;
        while (orm.shardOf(threeRows).equals(orm.shardOf(sixRows))) {
            threeRows++;
        }
        int[] three = {100_000_000, 100_000_000, 150_000_000}; // sum 350000000: 116666666.666666666667
        int[] six = {100_000_000, 100_000_000, 100_000_000, 100_000_000, 150_000_000, 150_000_000}; // 700000000: 116666666.66666667
        List<Article> articles = new ArrayList<>();
        // per author (grouped by the shard key, computed on the author's shard): threeRows and sixRows, category 'author'
        for (int score : three) {
            articles.add(article(threeRows, score, "author"));
        }
        for (int score : six) {
            articles.add(article(sixRows, score, "author"));
        }
        // per category (rewritten to sum and count): 'three' and 'six' with one row per author, authors all over the shards
        long author = 1000;
        for (int score : three) {
            articles.add(article(author++, score, "three"));
        }
        for (int score : six) {
            articles.add(article(author++, score, "six"));
        }
        articles.add(new Article(author++, 3L, 5, "other", new BigDecimal("2.00"), "b"));
        articles.add(new Article(author, 4L, 7, "other", null, "b"));
        orm.<Article, Long>repository(Article.class).saveAll(articles);

        oracle = OracleDatabase.copyOf(shards);
    }

    /** Prices follow the scores: 1.00 for 100000000, 1.50 for 150000000 (averages 3.50/3 and 7.00/6, again one Double). */
    private static Article article(long author, int score, String category) {
        return new Article(author, 1L, score, category, new BigDecimal(score == 150_000_000 ? "1.50" : "1.00"), "b");
    }

    @AfterAll
    void dropOracle() {
        if (oracle != null) {
            oracle.close();
        }
    }

    private List<List<Object>> oracle(String hql) {
        try (Session s = oracle.sessions().openSession()) {
            return rows(s.createSelectionQuery(hql, Object[].class).getResultList());
        }
    }

    private static List<List<Object>> rows(List<Object[]> rows) {
        return rows.stream().map(r -> Arrays.asList(r)).toList();
    }

    private void assertOracleAnswer(ShardedPersistence orm, String hql) {
        List<List<Object>> expected = oracle(hql);
        assertEquals(expected, rows(orm.query(hql, Object[].class).list()), hql);
    }

    @Test
    void mergedAveragesOrderAsNumerics(ShardedPersistence orm) {
        // grouped by category: every shard holds part of each group, the merge divides the merged sum by the merged count
        String asc = "select a.category, avg(a.score) from Article a group by a.category order by avg(a.score), a.category";
        List<List<Object>> expected = oracle(asc);
        // 'author' (9 rows summing 1050000000) is the very numeric of 'six': their tie goes by the category
        assertEquals(List.of("other", "three", "author", "six"), expected.stream().map(r -> r.get(0)).toList(), "PostgreSQL's order");
        assertEquals(expected.get(1).get(1), expected.get(3).get(1), "the averages are one Double");
        assertEquals(4, orm.query(asc, Object[].class).targetShards().size());
        assertOracleAnswer(orm, asc);
        assertOracleAnswer(orm, "select a.category, avg(a.score) from Article a group by a.category order by avg(a.score) desc, a.category desc");
        assertOracleAnswer(orm, "select a.category, avg(a.price) from Article a group by a.category order by avg(a.price), a.category");
        assertOracleAnswer(orm, "select a.category, count(a) from Article a group by a.category order by avg(a.score) * 2, a.category");
        assertOracleAnswer(orm, "select a.category, avg(a.score) from Article a group by a.category "
                + "having avg(a.score) > 116666666.666666666667bd order by a.category");
        assertOracleAnswer(orm, "select a.category, avg(a.score) from Article a group by a.category "
                + "having avg(a.score) = 116666666.66666667bd order by a.category");
        // a Double parameter is a double precision: PostgreSQL compares the numeric AVG with it as double precision
        String belowParameter = "select a.category, avg(a.score) from Article a group by a.category having avg(a.score) < :p order by a.category";
        try (Session s = oracle.sessions().openSession()) {
            List<List<Object>> below = rows(s.createSelectionQuery(belowParameter, Object[].class).setParameter("p", 116666666.66666667)
                    .getResultList());
            assertEquals(List.of("other"), below.stream().map(r -> r.get(0)).toList(), "PostgreSQL: 116666666.666666666667 < 116666666.66666667::float8 is false");
            assertEquals(below, rows(orm.query(belowParameter, Object[].class).param("p", 116666666.66666667).list()), belowParameter);
        }
        assertOracleAnswer(orm, "select avg(a.score) from Article a where a.category = 'three'");
        List<List<Object>> distinct = oracle("select distinct avg(a.score) from Article a where a.category <> 'other' group by a.category");
        assertEquals(2, distinct.size(), "two numerics, one Double: " + distinct);
        assertEquals(distinct, rows(orm.query("select distinct avg(a.score) from Article a where a.category <> 'other' group by a.category",
                Object[].class).list()));
    }

    @Test
    void shardComputedAveragesMergeInTheShardsOrder(ShardedPersistence orm) {
        // grouped by the shard key: each shard computes its authors' averages and orders them; the k-way merge must agree
        String asc = "select a.authorId, avg(a.score) from Article a where a.authorId in (" + threeRows + ", " + sixRows
                + ") group by a.authorId order by avg(a.score), a.authorId";
        List<List<Object>> expected = oracle(asc);
        assertEquals(List.of(threeRows, sixRows), expected.stream().map(r -> r.get(0)).toList(), "PostgreSQL's order");
        assertEquals(expected.get(0).get(1), expected.get(1).get(1), "the two averages are one Double");
        assertNotEquals(orm.shardOf(threeRows), orm.shardOf(sixRows));
        assertOracleAnswer(orm, asc);
        assertOracleAnswer(orm, "select a.authorId, avg(a.score) from Article a group by a.authorId order by avg(a.score) desc, a.authorId desc");
        assertOracleAnswer(orm, "select a.authorId, avg(a.score) as m from Article a group by a.authorId order by 2, 1");
        assertOracleAnswer(orm, "select a.authorId, count(a) from Article a group by a.authorId order by avg(a.price), a.authorId");
        assertOracleAnswer(orm, "select a.authorId, avg(a.score) * 2 from Article a group by a.authorId order by avg(a.score) * 2, a.authorId");
        String first = "select a.authorId, avg(a.score) from Article a group by a.authorId order by avg(a.score) desc, a.authorId desc";
        try (Session s = oracle.sessions().openSession()) {
            assertEquals(rows(s.createSelectionQuery(first, Object[].class).setMaxResults(2).getResultList()),
                    rows(orm.query(first, Object[].class).limit(2).list()), first);
        }
    }

    /**
     * Keyset pagination ({@code after(...)}) over a query grouped by the shard key and ordered by
     * aggregates: the keyset is compared per group (HAVING, not WHERE, which cannot hold an
     * aggregate), an ORDER BY average as the numeric PostgreSQL orders (given as a BigDecimal:
     * a Double cannot tell 116666666.666666666667 from 116666666.66666667 and is refused).
     */
    @Test
    void keysetPagesOverShardComputedAggregates(ShardedPersistence orm) throws SQLException {
        String byAverage = "select a.authorId, avg(a.score) from Article a group by a.authorId order by avg(a.score), a.authorId";
        List<List<Object>> expected = oracle(byAverage);
        List<Object[]> exact = new ArrayList<>(); // the oracle's averages as exact numerics, with the author
        try (Connection c = oracle.connect();
             PreparedStatement ps = c.prepareStatement("select author_id, avg(score)::text from articles group by author_id "
                     + "order by avg(score), author_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                exact.add(new Object[] {new BigDecimal(rs.getString(2)), rs.getLong(1)});
            }
        }
        assertEquals(expected.size(), exact.size());
        int three = expected.stream().map(r -> r.get(0)).toList().indexOf(threeRows);
        assertEquals(sixRows, expected.get(three + 1).get(0), "PostgreSQL's order: the two equal Doubles next to each other");
        for (int i = 0; i < exact.size(); i++) {
            assertEquals(expected.subList(i + 1, Math.min(i + 3, expected.size())),
                    rows(orm.query(byAverage, Object[].class).after(exact.get(i)).limit(2).list()), "after row " + i + " of " + byAverage);
        }
        // the Double of the row cannot say where the page starts: after threeRows' average it would skip sixRows (smaller id)
        List<Object> last = expected.get(three);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> orm.query(byAverage, Object[].class).after(last.get(1), last.get(0)));
        assertTrue(refused.getMessage().contains("numeric") && refused.getMessage().contains("BigDecimal"), refused.getMessage());

        // the averages as BigDecimal, paged with the values the rows carry
        assertPagesAreOneDatabasesRows(orm, "select a.authorId, cast(avg(a.score) as BigDecimal) from Article a group by a.authorId "
                + "order by cast(avg(a.score) as BigDecimal) desc, a.authorId", 3, r -> new Object[] {r[1], r[0]});
        // counts and sums: aggregates compared per group
        assertPagesAreOneDatabasesRows(orm, "select a.authorId, count(a) from Article a group by a.authorId order by count(a) desc, a.authorId",
                2, r -> new Object[] {r[1], r[0]});
        assertPagesAreOneDatabasesRows(orm, "select a.authorId, sum(a.price) from Article a group by a.authorId "
                + "order by sum(a.price) nulls first, a.authorId desc", 4, r -> new Object[] {r[1], r[0]});
    }

    private void assertPagesAreOneDatabasesRows(ShardedPersistence orm, String hql, int pageSize,
                                                java.util.function.Function<Object[], Object[]> keyset) {
        List<List<Object>> expected = oracle(hql);
        List<List<Object>> paged = new ArrayList<>();
        Object[] after = null;
        for (int page = 0; page <= expected.size(); page++) {
            var q = orm.query(hql, Object[].class).limit(pageSize);
            List<Object[]> rows = (after == null ? q : q.after(after)).list();
            if (rows.isEmpty()) {
                break;
            }
            paged.addAll(rows(rows));
            after = keyset.apply(rows.get(rows.size() - 1));
        }
        assertEquals(expected, paged, "pages of " + pageSize + " of " + hql);
    }

    /** {@link PgNumeric#divide} against PostgreSQL's own numeric division on random operands of many magnitudes and scales. */
    @Test
    void numericDivisionIsPostgresqls() throws SQLException {
        Random random = new Random(42);
        List<BigDecimal> dividends = new ArrayList<>();
        List<BigDecimal> divisors = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            dividends.add(randomNumeric(random, true));
            divisors.add(randomNumeric(random, false));
        }
        try (Connection c = oracle.connect();
             PreparedStatement ps = c.prepareStatement("select (x::numeric / y::numeric)::text from unnest(?::text[], ?::text[]) "
                     + "with ordinality as t(x, y, n) order by n")) {
            Array xs = c.createArrayOf("text", dividends.stream().map(BigDecimal::toPlainString).toArray());
            Array ys = c.createArrayOf("text", divisors.stream().map(BigDecimal::toPlainString).toArray());
            ps.setArray(1, xs);
            ps.setArray(2, ys);
            try (ResultSet rs = ps.executeQuery()) {
                for (int i = 0; i < dividends.size(); i++) {
                    rs.next();
                    assertEquals(rs.getString(1), PgNumeric.divide(dividends.get(i), divisors.get(i)).toPlainString(),
                            dividends.get(i).toPlainString() + " / " + divisors.get(i).toPlainString());
                }
            }
        }
    }

    private static BigDecimal randomNumeric(Random random, boolean zeroAllowed) {
        BigInteger unscaled;
        do {
            unscaled = new BigInteger(1 + random.nextInt(100), random);
        } while (!zeroAllowed && unscaled.signum() == 0);
        BigDecimal v = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), random.nextInt(12));
        return random.nextInt(4) == 0 ? v.setScale(v.scale() + random.nextInt(4)) : v;
    }
}
