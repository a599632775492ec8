package io.github.shardingorm.it.query;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.it.query.model.Event;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.test.PostgresShardSupport;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A small timed runner (not a JMH benchmark; disabled unless {@code -Dbench.query=true}): the same
 * queries over 4 shards (parallel and sequential fan-out) and over one unsharded database holding
 * every row, with plain Hibernate. Prints a markdown table and writes it to
 * {@code target/query-benchmark.md}. Command: docs/benchmarks.md, "Queries across shards".
 */
@EnabledIfSystemProperty(named = "bench.query", matches = "true")
class QueryBenchmark {

    private static final long ROWS = Long.getLong("bench.rows", 1_000_000L);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 30);
    private static final int ITERATIONS = Integer.getInteger("bench.iterations", 100);

    @Test
    void shardedQueriesAgainstOneDatabase() throws Exception {
        long perShard = ROWS / 4;
        try (ShardDatabases dbs = PostgresShardSupport.createDatabases(5)) {
            List<ShardDatabase> shards = dbs.list().subList(0, 4);
            ShardDatabase single = dbs.get(4);
            try (ShardedPersistence parallel = build(shards, perShard, 0, SchemaAction.CREATE)) {
                for (int i = 0; i < 4; i++) {
                    insert(shards.get(i), i * perShard, (i + 1) * perShard - 1);
                }
            }
            var registry = new StandardServiceRegistryBuilder()
                    .applySetting("hibernate.connection.url", single.jdbcUrl())
                    .applySetting("hibernate.connection.username", single.username())
                    .applySetting("hibernate.connection.password", single.password())
                    .applySetting("hibernate.connection.pool_size", 10)
                    .applySetting("hibernate.hbm2ddl.auto", "create")
                    .build();
            try (SessionFactory plain = new MetadataSources(registry).addAnnotatedClass(Event.class).buildMetadata().buildSessionFactory();
                 ShardedPersistence parallel = build(shards, perShard, 0, SchemaAction.NONE);
                 ShardedPersistence sequential = build(shards, perShard, 1, SchemaAction.NONE)) {
                insert(single, 0, ROWS - 1);
                StringBuilder table = new StringBuilder();
                table.append(String.format(Locale.ROOT, "%d rows (%d per shard); %d warm-up + %d timed runs each; milliseconds%n%n", ROWS, perShard,
                        WARMUP, ITERATIONS));
                table.append("| query | 1 database, plain Hibernate (median / p90) | 4 shards, parallel (median / p90) | ratio | 4 shards, sequential (median / p90) |\n");
                table.append("| --- | --- | --- | --- | --- |\n");
                String newest = "select e from Event e order by e.seq desc";
                row(table, "newest 20: `" + newest + "` limit 20",
                        () -> inSession(plain, s -> s.createSelectionQuery(newest, Event.class).setMaxResults(20).getResultList()),
                        () -> parallel.<Event, Long>repository(Event.class).query(newest).limit(20).list(),
                        () -> sequential.<Event, Long>repository(Event.class).query(newest).limit(20).list());
                String page = "select e.id, e.seq from Event e order by e.seq desc";
                row(table, "page 50 at offset 1000: `" + page + "`",
                        () -> inSession(plain, s -> s.createSelectionQuery(page, Object[].class).setFirstResult(1000).setMaxResults(50).getResultList()),
                        () -> parallel.query(page, Object[].class).offset(1000).limit(50).list(),
                        () -> sequential.query(page, Object[].class).offset(1000).limit(50).list());
                String group = "select e.kind, count(e), avg(e.seq) from Event e group by e.kind order by count(e) desc, e.kind";
                row(table, "GROUP BY: `" + group + "`",
                        () -> inSession(plain, s -> s.createSelectionQuery(group, Object[].class).getResultList()),
                        () -> parallel.query(group, Object[].class).list(),
                        () -> sequential.query(group, Object[].class).list());
                String count = "select count(e) from Event e where e.kind = 7";
                row(table, "COUNT: `" + count + "`",
                        () -> inSession(plain, s -> s.createSelectionQuery(count, Long.class).getSingleResult()),
                        () -> parallel.query(count, Long.class).single(),
                        () -> sequential.query(count, Long.class).single());
                System.out.println("QueryBenchmark\n" + table);
                Path out = Path.of("target", "query-benchmark.md");
                Files.createDirectories(out.getParent());
                Files.writeString(out, table);
            }
        }
    }

    private static <T> T inSession(SessionFactory sf, java.util.function.Function<Session, T> work) {
        try (Session s = sf.openSession()) {
            s.setDefaultReadOnly(true);
            var tx = s.beginTransaction();
            try {
                return work.apply(s);
            } finally {
                tx.commit();
            }
        }
    }

    private static void row(StringBuilder table, String name, Supplier<?> plain, Supplier<?> parallel, Supplier<?> sequential) {
        double[] p = time(plain);
        double[] s = time(parallel);
        double[] q = time(sequential);
        table.append(String.format(Locale.ROOT, "| %s | %.2f / %.2f | %.2f / %.2f | %.2fx | %.2f / %.2f |%n", name, p[0], p[1], s[0], s[1],
                s[0] / p[0], q[0], q[1]));
    }

    /** Median and p90 in milliseconds. */
    private static double[] time(Supplier<?> work) {
        for (int i = 0; i < WARMUP; i++) {
            work.get();
        }
        double[] ms = new double[ITERATIONS];
        for (int i = 0; i < ITERATIONS; i++) {
            long start = System.nanoTime();
            work.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[ITERATIONS / 2], ms[(int) (ITERATIONS * 0.9)]};
    }

    private static ShardedPersistence build(List<ShardDatabase> shards, long perShard, int parallelism, SchemaAction schema) {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (ShardDatabase db : shards) {
            builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        builder.strategy(ShardingStrategies.range().shard("s0", null, perShard).shard("s1", perShard, 2 * perShard)
                .shard("s2", 2 * perShard, 3 * perShard).shard("s3", 3 * perShard, null).build());
        if (parallelism > 0) {
            builder.queryParallelism(parallelism);
        }
        return builder.entities(Event.class).schema(schema).maximumPoolSize(4).build();
    }

    private static void insert(ShardDatabase db, long from, long to) throws Exception {
        try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement(StreamingExportIT.EVENTS_INSERT)) {
            insert.setLong(1, from);
            insert.setLong(2, to);
            insert.executeUpdate();
            c.createStatement().execute("analyze events");
        }
    }
}
