package io.github.shardingorm.it.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.it.query.model.Article;
import io.github.shardingorm.it.query.model.Author;
import io.github.shardingorm.query.ShardedQuery;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardedPersistenceTest;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.hibernate.Session;
import org.hibernate.query.SelectionQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Differential test: the same random data set (skewed keys, NULLs, duplicates, ties, non-ASCII
 * text) in 4 shards and in one unsharded oracle database; several hundred generated queries
 * (orderings, limit/offset, aggregates, GROUP BY/HAVING, DISTINCT, projections, entities, joins,
 * keyed and unkeyed) must return exactly the oracle's answer: in the same order where the ORDER
 * BY is total (every ordered query ends with a unique key), as a multiset otherwise.
 *
 * <p>Seeded: {@code -Ddiff.seed=...} replays a run; the seed is printed in every failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ShardedPersistenceTest(shards = 4, entities = {Article.class, Author.class})
class DifferentialQueryIT {

    private static final int QUERIES = Integer.getInteger("diff.queries", 400);
    private static final String[] CATEGORIES = {"alpha", "Beta", "beta", "gamma", "Gamma", "_x", "z9", "\u00e4rger", "Zeta", "a b"};

    private final long seed = Long.getLong("diff.seed", System.nanoTime());
    private OracleDatabase oracle;
    private int authorsCount;

    @BeforeAll
    void load(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        Random random = new Random(seed);
        authorsCount = 60;
        List<Author> authors = new ArrayList<>();
        for (long id = 1; id <= authorsCount; id++) {
            authors.add(new Author(id, "author-" + (id % 17), id % 3 == 0 ? "eu" : id % 3 == 1 ? "us" : null));
        }
        orm.<Author, Long>repository(Author.class).saveAll(authors);
        List<Article> articles = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            long author = 1 + (long) Math.floor(authorsCount * Math.pow(random.nextDouble(), 3)); // skewed: low ids are hot
            Long createdAt = random.nextInt(20) == 0 ? null : (long) random.nextInt(300);
            Integer score = random.nextInt(10) == 0 ? null : random.nextInt(40) - 5;
            String category = random.nextInt(12) == 0 ? null : CATEGORIES[(int) Math.floor(CATEGORIES.length * Math.pow(random.nextDouble(), 2))];
            BigDecimal price = random.nextInt(10) == 0 ? null : BigDecimal.valueOf(random.nextInt(100_000), 2);
            articles.add(new Article(author, createdAt, score, category, price, "body " + random.nextInt(50)));
        }
        orm.<Article, Long>repository(Article.class).saveAll(articles);

        oracle = OracleDatabase.copyOf(shards);
    }

    @AfterAll
    void dropOracle() {
        if (oracle != null) {
            oracle.close();
        }
    }

    // ------------------------------------------------------------------ the generated queries

    /** One generated query: HQL, named parameters, limit/offset given through the API, and whether order matters. */
    private record Case(String hql, Map<String, Object> params, Integer limit, Integer offset, boolean ordered, boolean entity) {
    }

    private static final String[] SORTABLE = {"a.createdAt", "a.score", "a.category", "a.price", "a.authorId"};
    private static final String[] AGGREGATES = {"count(a)", "count(a.score)", "sum(a.score)", "min(a.score)", "max(a.score)",
            "avg(a.score)", "min(a.category)", "max(a.category)", "sum(a.price)", "avg(a.price)", "max(a.createdAt)",
            "count(distinct a.category)", "count(distinct a.authorId)", "count(distinct a.score)", "sum(a.score) * 2",
            "count(a) - count(a.score)", "min(a.price)", "-max(a.createdAt)",
            // the mixed-type mix: widened sums, an AVG whose per-shard sum overflows int, AVG beside a written SUM
            "sum(a.createdAt)", "avg(a.createdAt)", "avg(a.score * 10000000)", "sum(a.score * 10000000)", "avg(a.price * 3)",
            "min(a.createdAt)", "max(a.score)",
            // arithmetic over aggregates as PostgreSQL computes it: decimal literals are numerics, % is mod(), coalesce
            "avg(a.score) * 1.5", "count(a) * 0.1", "avg(a.price) - 0.3", "sum(a.price) * 1.1", "count(a) * 1.0", "avg(a.score) + 1",
            "sum(a.score) % 7", "coalesce(sum(a.score), 0)", "coalesce(max(a.price), 0)", "coalesce(avg(a.score), -1) / 3",
            "sum(a.score * 0.1)", "avg(a.score * 0.3)", "sum(a.createdAt) / 7"};

    private Case generate(Random r) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(r, params);
        Integer limit = r.nextInt(3) == 0 ? 1 + r.nextInt(40) : null;
        Integer offset = limit != null && r.nextBoolean() ? r.nextInt(30) : null;
        switch (r.nextInt(8)) {
            case 0, 1 -> {
                return new Case("select a from Article a" + where + " order by " + orderBy(r, 1 + r.nextInt(3)) + ", a.id"
                        + (r.nextBoolean() ? "" : " desc"), params, limit, offset, true, true);
            }
            case 2 -> {
                List<String> cols = pick(r, SORTABLE, 1 + r.nextInt(3));
                return new Case("select " + String.join(", ", cols) + " from Article a" + where + " order by " + orderBy(r, 1 + r.nextInt(3))
                        + ", a.id", params, limit, offset, true, false);
            }
            case 3 -> {
                List<String> cols = pick(r, SORTABLE, 1 + r.nextInt(2));
                List<String> order = new ArrayList<>();
                for (String c : cols) {
                    order.add(c + direction(r));
                }
                Collections.shuffle(order, r);
                boolean ordered = r.nextInt(4) != 0;
                return new Case("select distinct " + String.join(", ", cols) + " from Article a" + where
                        + (ordered ? " order by " + String.join(", ", order) : ""), params, ordered ? limit : null,
                        ordered ? offset : null, ordered, false);
            }
            case 4 -> {
                List<String> aggs = pick(r, AGGREGATES, 1 + r.nextInt(5));
                return new Case("select " + String.join(", ", aggs) + " from Article a" + where, params, null, null, true, false);
            }
            case 5, 6 -> {
                List<String> groups = pick(r, new String[] {"a.category", "a.score", "a.authorId", "a.createdAt / 100"}, 1 + r.nextInt(2));
                List<String> aggs = pick(r, AGGREGATES, 1 + r.nextInt(4));
                String having = r.nextInt(3) == 0 ? " having " + having(r) : "";
                List<String> order = new ArrayList<>();
                if (r.nextBoolean()) {
                    order.add(aggs.get(0).replace(" * 2", "") + direction(r));
                }
                for (String g : groups) {
                    order.add(g + direction(r));
                }
                return new Case("select " + String.join(", ", groups) + ", " + String.join(", ", aggs) + " from Article a" + where
                        + " group by " + String.join(", ", groups) + having + " order by " + String.join(", ", order),
                        params, limit, offset, true, false);
            }
            default -> {
                params.clear();
                String region = r.nextBoolean() ? " where u.region is not null" : "";
                return new Case("select u.region, count(a), avg(a.score), max(a.category), count(distinct u.id) from Article a "
                        + "join Author u on u.id = a.authorId" + region + " group by u.region order by u.region" + direction(r),
                        params, null, null, true, false);
            }
        }
    }

    private String where(Random r, Map<String, Object> params) {
        List<String> conjuncts = new ArrayList<>();
        int n = r.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(9)) {
                case 0 -> {
                    params.put("minScore", r.nextInt(30));
                    conjuncts.add("a.score > :minScore");
                }
                case 1 -> conjuncts.add("a.score is null");
                case 2 -> conjuncts.add("a.category = '" + CATEGORIES[r.nextInt(CATEGORIES.length)] + "'");
                case 3 -> conjuncts.add("a.category in ('alpha', 'beta', 'Zeta')");
                case 4 -> conjuncts.add("a.createdAt between " + r.nextInt(100) + " and " + (100 + r.nextInt(200)));
                case 5 -> {
                    params.put("author", 1L + r.nextInt(authorsCount));
                    conjuncts.add("a.authorId = :author");
                }
                case 6 -> conjuncts.add("a.authorId in (" + (1 + r.nextInt(10)) + ", " + (1 + r.nextInt(60)) + ", " + (1 + r.nextInt(60)) + ")");
                case 7 -> conjuncts.add("(a.score < " + r.nextInt(10) + " or a.category is null)");
                default -> conjuncts.add("a.price >= " + r.nextInt(800) + ".50");
            }
        }
        return conjuncts.isEmpty() ? "" : " where " + String.join(" and ", conjuncts);
    }

    private static String having(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "count(a) > " + r.nextInt(20);
            case 1 -> "sum(a.score) >= " + r.nextInt(200);
            case 2 -> "avg(a.score) < " + (5 + r.nextInt(20));
            case 3 -> "max(a.createdAt) is not null and count(a) >= 2";
            default -> "count(distinct a.authorId) between 2 and " + (3 + r.nextInt(20));
        };
    }

    private static String orderBy(Random r, int n) {
        return pick(r, SORTABLE, n).stream().map(c -> c + direction(r)).collect(Collectors.joining(", "));
    }

    private static String direction(Random r) {
        return switch (r.nextInt(6)) {
            case 0, 1 -> "";
            case 2 -> " asc";
            case 3 -> " desc";
            case 4 -> r.nextBoolean() ? " asc nulls first" : " desc nulls last";
            default -> r.nextBoolean() ? " nulls last" : " desc nulls first";
        };
    }

    private static List<String> pick(Random r, String[] from, int n) {
        List<String> all = new ArrayList<>(List.of(from));
        Collections.shuffle(all, r);
        return new ArrayList<>(all.subList(0, Math.min(n, all.size())));
    }

    // ------------------------------------------------------------------ running and comparing

    @Test
    void generatedQueriesReturnExactlyWhatOneDatabaseReturns(ShardedPersistence orm) {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        ShardedRepository<Article, Long> articles = orm.repository(Article.class);
        int fanOuts = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            Case c = generate(r);
            try {
                List<List<String>> expected;
                try (Session s = oracle.sessions().openSession()) {
                    Class<?> rowType = c.entity ? Article.class : Object[].class;
                    SelectionQuery<?> q = s.createSelectionQuery(c.hql, rowType);
                    c.params.forEach(q::setParameter);
                    if (c.offset != null) {
                        q.setFirstResult(c.offset);
                    }
                    if (c.limit != null) {
                        q.setMaxResults(c.limit);
                    }
                    expected = normalize(q.getResultList());
                }
                ShardedQuery<?> sharded = c.entity ? articles.query(c.hql) : orm.query(c.hql, Object[].class);
                for (Map.Entry<String, Object> p : c.params.entrySet()) {
                    sharded = sharded.param(p.getKey(), p.getValue());
                }
                if (c.offset != null) {
                    sharded = sharded.offset(c.offset);
                }
                if (c.limit != null) {
                    sharded = sharded.limit(c.limit);
                }
                if (sharded.targetShards().size() > 1) {
                    fanOuts++;
                }
                List<List<String>> actual = normalize(sharded.list());
                if (!c.ordered) {
                    expected = sorted(expected);
                    actual = sorted(actual);
                }
                if (!expected.equals(actual)) {
                    failures.add("query #" + i + " [" + c.hql + "] params=" + c.params + " limit=" + c.limit + " offset=" + c.offset
                            + "\n  expected " + abbreviate(expected) + "\n  actual   " + abbreviate(actual));
                }
            } catch (RuntimeException e) {
                failures.add("query #" + i + " [" + c.hql + "] params=" + c.params + " threw " + e);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + QUERIES + " queries differ from the oracle (seed " + seed + ", -Ddiff.seed=" + seed + "):\n"
                    + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
        }
        assertTrue(fanOuts > QUERIES / 2, "most queries should fan out, got " + fanOuts + " (seed " + seed + ")");
        System.out.println("DifferentialQueryIT: " + QUERIES + " queries (" + fanOuts + " fan-outs) equal the oracle, seed " + seed);
    }

    @Test
    void streamsAndCountsMatchTheOracleToo(ShardedPersistence orm) {
        String hql = "select a.id, a.createdAt from Article a order by a.createdAt desc nulls last, a.id";
        List<List<String>> expected;
        try (Session s = oracle.sessions().openSession()) {
            expected = normalize(s.createSelectionQuery(hql, Object[].class).getResultList());
        }
        try (var stream = orm.query(hql, Object[].class).fetchSize(50).stream()) {
            assertEquals(expected, normalize(stream.toList()), "seed " + seed);
        }
        try (Session s = oracle.sessions().openSession()) {
            assertEquals(s.createSelectionQuery("select count(a) from Article a", Long.class).getSingleResult(),
                    orm.query("select count(a) from Article a", Long.class).single().orElseThrow());
        }
    }

    /**
     * Queries whose keys match no shard (contradictory keys, an empty IN list, key = null): answered
     * without any shard when the merge alone is exact, else by the first shard; either way exactly
     * the oracle's answer, Java types included.
     */
    @Test
    void queriesThatMatchNoRowGiveTheOraclesAnswerExactly(ShardedPersistence orm) {
        long other = 2;
        while (orm.shardOf(other).equals(orm.shardOf(1L))) {
            other++;
        }
        String none = " from Article a where a.authorId = 1 and a.authorId = " + other;
        Map<String, Object> nullKey = new java.util.HashMap<>();
        nullKey.put("k", null);
        record NoRow(String hql, Map<String, Object> params, int shards) {
        }
        List<NoRow> cases = List.of(
                new NoRow("select count(a)" + none, Map.of(), 0),
                new NoRow("select count(a), count(a.score), sum(a.score), min(a.score), max(a.category), avg(a.price), "
                        + "count(distinct a.category), count(a) - count(a.score), sum(a.score) * 2, -max(a.createdAt)" + none, Map.of(), 0),
                new NoRow("select a.category, count(a)" + none + " group by a.category having count(a) > 0 order by a.category", Map.of(), 0),
                new NoRow("select a.id, a.createdAt" + none + " order by a.createdAt desc, a.id", Map.of(), 0),
                new NoRow("select distinct a.category" + none, Map.of(), 0),
                new NoRow("select a.id from Article a where a.authorId in :ids", Map.of("ids", List.of()), 0),
                new NoRow("select count(a), max(a.price) from Article a where a.authorId = :k", nullKey, 0),
                new NoRow("select concat('n/', 'a'), count(a)" + none, Map.of(), 1),
                new NoRow("select coalesce(max(a.score), -1)" + none, Map.of(), 0), // merged: coalesce over aggregates is evaluated after the merge
                new NoRow("select a.id, row_number() over (order by a.id)" + none, Map.of(), 1));
        for (NoRow c : cases) {
            List<Object[]> expected;
            try (Session s = oracle.sessions().openSession()) {
                SelectionQuery<Object[]> q = s.createSelectionQuery(c.hql(), Object[].class);
                c.params().forEach(q::setParameter);
                expected = q.getResultList();
            }
            ShardedQuery<Object[]> sharded = orm.query(c.hql(), Object[].class);
            for (Map.Entry<String, Object> p : c.params().entrySet()) {
                sharded = sharded.param(p.getKey(), p.getValue());
            }
            assertEquals(c.shards(), sharded.targetShards().size(), c.hql());
            assertEquals(typed(expected), typed(sharded.list()), c.hql());
        }
    }

    /**
     * Merged aggregates carry exactly the Java types one database returns (COUNT Long, SUM of an
     * integer Long, AVG Double, MIN/MAX the attribute's type), whichever query of the same shape
     * ran before (the AVG's helper sum was once reused for a written SUM and typed it Integer), and
     * an AVG whose per-shard sum exceeds int does not overflow.
     */
    @Test
    void aggregateTypesDoNotDependOnWhatRanBefore(ShardedPersistence orm) {
        List<String> queries = List.of(
                "select avg(a.score), sum(a.score) from Article a",
                "select sum(a.score), avg(a.score) from Article a",
                "select sum(a.score) from Article a",
                "select avg(a.score * 10000000), sum(a.score * 10000000), count(a.score) from Article a",
                "select avg(a.createdAt), sum(a.createdAt), min(a.createdAt), max(a.score) from Article a",
                "select avg(a.price), sum(a.price), min(a.price) from Article a",
                "select a.category, avg(a.score), sum(a.score), max(a.score) from Article a group by a.category order by a.category nulls first",
                // grouped by the shard key (computed, ordered and limited on each shard), ordered by an alias too
                "select a.authorId, count(a) as c, avg(a.score) from Article a group by a.authorId order by c desc, a.authorId",
                "select a.authorId, count(a), sum(a.score) from Article a group by a.authorId having count(a) > 3 order by 2 desc, 1");
        List<String> twice = new ArrayList<>(queries);
        List<String> reversed = new ArrayList<>(queries);
        Collections.reverse(reversed);
        twice.addAll(reversed);
        for (String hql : twice) {
            List<Object[]> expected;
            try (Session s = oracle.sessions().openSession()) {
                expected = s.createSelectionQuery(hql, Object[].class).getResultList();
            }
            assertEquals(typedRounded(expected), typedRounded(orm.query(hql, Object[].class).list()), hql);
        }
        String top = "select a.authorId, count(a) as c from Article a group by a.authorId order by c desc, a.authorId";
        try (Session s = oracle.sessions().openSession()) {
            assertEquals(typedRounded(s.createSelectionQuery(top, Object[].class).setFirstResult(2).setMaxResults(5).getResultList()),
                    typedRounded(orm.query(top, Object[].class).offset(2).limit(5).list()), top);
        }
    }

    /** Like {@link #typed} with doubles to 12 significant digits (the merge divides exact sums; PostgreSQL rounds its numeric). */
    private static List<List<String>> typedRounded(List<Object[]> rows) {
        List<List<String>> out = new ArrayList<>();
        for (Object[] row : rows) {
            List<String> values = new ArrayList<>();
            for (Object v : row) {
                values.add(v == null ? "NULL" : v.getClass().getSimpleName() + ":"
                        + (v instanceof Double d ? String.format(Locale.ROOT, "%.12e", d) : v.toString()));
            }
            out.add(values);
        }
        return out;
    }

    /** Rows as "Type:value" strings: equal only when the values and their Java types are. */
    private static List<List<String>> typed(List<Object[]> rows) {
        List<List<String>> out = new ArrayList<>();
        for (Object[] row : rows) {
            List<String> values = new ArrayList<>();
            for (Object v : row) {
                values.add(v == null ? "NULL" : v.getClass().getSimpleName() + ":" + v);
            }
            out.add(values);
        }
        return out;
    }

    private static List<List<String>> normalize(List<?> rows) {
        List<List<String>> out = new ArrayList<>(rows.size());
        for (Object row : rows) {
            List<String> values = new ArrayList<>();
            if (row instanceof Object[] a) {
                for (Object v : a) {
                    values.add(value(v));
                }
            } else {
                values.add(value(row));
            }
            out.add(values);
        }
        return out;
    }

    private static String value(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Article a) {
            return "Article#" + a.getId() + "/" + a.getCreatedAt() + "/" + a.getScore() + "/" + a.getCategory();
        }
        // numbers carry their Java type: a merged result must be typed exactly as one database types it
        if (v instanceof BigDecimal d) {
            return "BigDecimal:" + (d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString());
        }
        if (v instanceof Double || v instanceof Float) {
            return v.getClass().getSimpleName() + ":" + v; // exactly: the merge computes PostgreSQL's numerics, read as the nearest double
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return v.getClass().getSimpleName() + ":" + ((Number) v).longValue();
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        return v.getClass().getSimpleName() + ":" + v;
    }

    private static List<List<String>> sorted(List<List<String>> rows) {
        List<List<String>> copy = new ArrayList<>(rows);
        copy.sort((x, y) -> String.join("\u0001", x).compareTo(String.join("\u0001", y)));
        return copy;
    }

    private static String abbreviate(List<List<String>> rows) {
        String s = rows.size() + " rows " + rows;
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
