package io.github.shardingorm.it.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.it.model.Customer;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.spi.ShardingStrategy;
import io.github.shardingorm.test.PostgresShardSupport;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardPlacement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The same keyed workload over 1, 2 and 7 shard databases and every bucketed strategy; then the
 * range and directory strategies on real databases. After each run every row must sit on the
 * shard its key routes to, checked through JDBC.
 */
class ShardCountsAndStrategiesIT {

    static Stream<Arguments> shardCountsAndStrategies() {
        Map<String, Function<List<String>, ShardingStrategy>> strategies = new LinkedHashMap<>();
        strategies.put("hash", ids -> ShardingStrategies.hash());
        strategies.put("consistent-hash", ids -> ShardingStrategies.consistentHash(64));
        strategies.put("weighted", ids -> {
            Map<String, Integer> weights = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                weights.put(ids.get(i), i + 1);
            }
            return ShardingStrategies.weighted(weights);
        });
        List<Arguments> args = new ArrayList<>();
        for (int count : new int[] {1, 2, 7}) {
            strategies.forEach((name, factory) -> args.add(Arguments.of(count, name, factory)));
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} shards, {1}")
    @MethodSource("shardCountsAndStrategies")
    void everyRowSitsOnTheShardItsKeyRoutesTo(int count, String strategyName, Function<List<String>, ShardingStrategy> strategy) {
        try (ShardDatabases dbs = PostgresShardSupport.createDatabases(count)) {
            List<String> ids = dbs.list().stream().map(ShardDatabase::id).toList();
            try (ShardedPersistence orm = build(dbs, strategy.apply(ids), User.class, Post.class)) {
                ShardedRepository<User, Long> users = orm.repository(User.class);
                ShardedRepository<Post, Long> posts = orm.repository(Post.class);
                List<User> batch = new ArrayList<>();
                List<Post> postBatch = new ArrayList<>();
                for (long id = 1; id <= 300; id++) {
                    batch.add(new User(id, "u" + id));
                    postBatch.add(new Post(id, "p" + id));
                }
                users.saveAll(batch);
                posts.saveAll(postBatch);
                for (Post p : postBatch) {
                    assertEquals(p.getAuthorId(), posts.findById(p.getId()).orElseThrow().getAuthorId());
                }
                ShardPlacement.Report report = ShardPlacement.check(orm, dbs);
                report.assertAllPlaced();
                assertEquals(300, report.totalRows("User"));
                assertEquals(300, report.totalRows("Post"));
                for (String shard : ids) {
                    assertTrue(report.rows("User", shard) > 0, strategyName + ": shard " + shard + " got no users of 300");
                    assertEquals(report.rows("User", shard), report.rows("Post", shard), "posts live with their authors");
                }
            }
        }
    }

    @Test
    void rangeStrategyPlacesKeysByRangeAndRejectsKeysInAGap() {
        try (ShardDatabases dbs = PostgresShardSupport.createDatabases(3)) {
            ShardingStrategy range = ShardingStrategies.range()
                    .shard("s0", null, 1000L)
                    .shard("s1", 1000L, 2000L)
                    .shard("s2", 3000L, null) // [2000, 3000) is a gap
                    .build();
            try (ShardedPersistence orm = build(dbs, range, User.class)) {
                ShardedRepository<User, Long> users = orm.repository(User.class);
                for (long id : new long[] {-5, 0, 999, 1000, 1999, 3000, 1_000_000}) {
                    users.save(new User(id, "r" + id));
                }
                ShardPlacement.Report report = ShardPlacement.check(orm, dbs);
                report.assertAllPlaced();
                assertEquals(3, report.rows("User", "s0"));
                assertEquals(2, report.rows("User", "s1"));
                assertEquals(2, report.rows("User", "s2"));
                ShardRoutingException gap = assertThrows(ShardRoutingException.class, () -> users.save(new User(2500L, "gap")));
                assertTrue(gap.getMessage().contains("2500") && gap.getMessage().contains("no shard"), gap.getMessage());
                assertEquals(7, ShardPlacement.check(orm, dbs).totalRows("User"), "the gap key wrote nothing");
            }
        }
    }

    @Test
    void directoryStrategyPlacesRegionsAndUsesTheDefaultShard() {
        try (ShardDatabases dbs = PostgresShardSupport.createDatabases(3)) {
            ShardingStrategy directory = ShardingStrategies.directory()
                    .map("eu", "s0").map("us", "s1").defaultShard("s2").build();
            try (ShardedPersistence orm = build(dbs, directory, Customer.class)) {
                ShardedRepository<Customer, Long> customers = orm.repository(Customer.class);
                customers.save(new Customer(1L, "eu", "Ada"));
                customers.save(new Customer(2L, "us", "Grace"));
                customers.save(new Customer(3L, "apac", "Hedy"));
                ShardPlacement.Report report = ShardPlacement.check(orm, dbs);
                report.assertAllPlaced();
                assertEquals(1, report.rows("Customer", "s0"));
                assertEquals(1, report.rows("Customer", "s1"));
                assertEquals(1, report.rows("Customer", "s2"));
                assertEquals("Ada", customers.findById("eu", 1L).orElseThrow().getName());
                ShardRoutingException e = assertThrows(ShardRoutingException.class, () -> customers.findById(1L));
                assertTrue(e.getMessage().contains("Customer"), e.getMessage());
            }
        }
    }

    static ShardedPersistence build(ShardDatabases dbs, ShardingStrategy strategy, Class<?>... entities) {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (ShardDatabase db : dbs) {
            builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        return builder.entities(entities).strategy(strategy).schema(SchemaAction.CREATE).maximumPoolSize(2).build();
    }
}
