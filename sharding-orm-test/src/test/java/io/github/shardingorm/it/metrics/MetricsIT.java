package io.github.shardingorm.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.cache.CacheConfig;
import io.github.shardingorm.cache.RegionStatistics;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.metrics.HotBucket;
import io.github.shardingorm.metrics.ShardStatistics;
import io.github.shardingorm.metrics.ShardingMetrics;
import io.github.shardingorm.metrics.ShardingStatistics;
import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardedResult;
import io.github.shardingorm.routing.StableKeyHash;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardedPersistenceTest;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Statistics and meters against 4 real PostgreSQL shards: counted against the work that really
 * ran on each shard (statement counts per shard), errors and partial fan-outs included; meters
 * never tagged by key; hot shards flagged under a skewed load and not under a uniform one; the
 * planted hot bucket found; rows counted; the routing log masking bind values.
 *
 * <p>Each test builds its own persistence unit over the class's shard databases, so that its
 * statistics start from zero.
 */
@ShardedPersistenceTest(shards = 4, entities = {User.class, Post.class})
class MetricsIT {

    private static final AtomicLong NEXT_KEY = new AtomicLong(10_000);
    private static final Set<String> TAG_KEYS = Set.of("db.system.name", "shard", "role", "db.operation.name", "outcome", "error.type",
            "type", "state", "phase", "pool", "region", "result", "kind");

    private static ShardedPersistence open(ShardDatabases shards, Consumer<ShardedPersistenceBuilder> more) {
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        for (ShardDatabase db : shards) {
            b.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        b.entities(User.class, Post.class).schema(SchemaAction.VALIDATE).maximumPoolSize(4);
        more.accept(b);
        return b.build();
    }

    private static long keys(int n) {
        return NEXT_KEY.getAndAdd(n);
    }

    @Test
    void operationsPerShardEqualTheWorkDone_inStatisticsAndMeters(ShardDatabases shards) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShardedPersistence orm = open(shards, b -> { })) {
            new ShardingMetrics(orm).bindTo(registry);
            ShardedRepository<User, Long> users = orm.repository(User.class);
            Map<String, Long> writes = new HashMap<>();
            Map<String, Long> reads = new HashMap<>();
            long first = keys(200);
            for (long id = first; id < first + 200; id++) {
                users.save(new User(id, "u" + id));
                writes.merge(orm.shardOf(id), 1L, Long::sum);
            }
            for (long id = first; id < first + 200; id += 3) {
                assertTrue(users.findById(id).isPresent());
                reads.merge(orm.shardOf(id), 1L, Long::sum);
            }
            List<User> all = orm.query("select u from User u where u.id >= :f and u.id < :t", User.class)
                    .param("f", first).param("t", first + 200).list();
            assertEquals(200, all.size());

            ShardingStatistics stats = orm.statistics();
            for (String shard : orm.shardIds()) {
                ShardStatistics s = stats.shard(shard);
                assertEquals(writes.getOrDefault(shard, 0L), s.operations("write"), shard + " writes");
                assertEquals(reads.getOrDefault(shard, 0L), s.operations("read"), shard + " reads");
                assertEquals(1, s.operations("query"), shard + ": the fan-out ran once on every shard");
                assertEquals(0, s.errors());
                assertTrue(s.p50().toNanos() > 0 && s.p50().compareTo(s.p99()) <= 0 && s.p99().compareTo(s.max()) <= 0, s::toString);

                assertEquals(writes.getOrDefault(shard, 0L), timer(registry, shard, "write", "none").count(), shard + " write timer");
                assertEquals(reads.getOrDefault(shard, 0L), timer(registry, shard, "read", "none").count(), shard + " read timer");
                assertEquals(1, timer(registry, shard, "query", "none").count(), shard + " query timer");
                assertNotNull(registry.find("hikaricp.connections").tag("pool", "sharding-orm-" + shard).gauge(),
                        "HikariCP's own meters for " + shard);
            }
            assertEquals(4.0, registry.get("sharding.query.shards").summary().max());
            assertEquals(200.0, registry.get("sharding.query.merge.rows").summary().max());
            assertNoMeterTaggedByKey(registry, orm.shardIds());
        }
    }

    @Test
    void errorsAndAPartialFanOutAreCounted(ShardDatabases shards) throws SQLException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShardedPersistence orm = open(shards, b -> { })) {
            new ShardingMetrics(orm).bindTo(registry);
            long id = keys(1);
            String shard = orm.shardOf(id);
            orm.inTransaction(id, s -> s.persist(new User(id, "once")));
            assertThrows(RuntimeException.class, () -> orm.inTransaction(id, s -> s.persist(new User(id, "twice"))));

            // not the key's shard: its errors are asserted apart (which shard the key lands on depends on the keys earlier tests took)
            String broken = orm.shardIds().get(orm.shardIds().get(2).equals(shard) ? 3 : 2);
            execute(shards.byId(broken), "ALTER TABLE posts RENAME TO posts_hidden");
            try {
                ShardedResult<Post> partial = orm.query("select p from Post p", Post.class).failurePolicy(FailurePolicy.PARTIAL).result();
                assertEquals(Set.of(broken), partial.missingShards().keySet());
            } finally {
                execute(shards.byId(broken), "ALTER TABLE posts_hidden RENAME TO posts");
            }

            ShardingStatistics stats = orm.statistics();
            assertEquals(Map.of("constraint", 1L), stats.shard(shard).errorsByReason(), stats.shard(shard)::toString);
            assertEquals(2, stats.shard(shard).operations("write"));
            assertEquals(1, stats.shard(broken).errorsByReason().getOrDefault("sql", 0L), stats.shard(broken)::toString);
            assertEquals(1, timer(registry, shard, "write", "constraint").count());
            assertEquals(1, timer(registry, shard, "write", "none").count());
            assertEquals(1, timer(registry, broken, "query", "sql").count());
            assertEquals(1.0, registry.get("sharding.query.partial").counter().count());
            assertNoMeterTaggedByKey(registry, orm.shardIds());
        }
    }

    @Test
    void aShardWithFiveTimesItsShareIsFlagged_aUniformLoadIsNot_andThePlantedBucketIsFound(ShardDatabases shards) {
        Map<String, List<Long>> keysByShard = new HashMap<>();
        try (ShardedPersistence orm = open(shards, b -> { })) {
            long first = keys(400);
            for (long id = first; id < first + 400; id++) {
                keysByShard.computeIfAbsent(orm.shardOf(id), s -> new ArrayList<>()).add(id);
            }
            ShardedRepository<User, Long> users = orm.repository(User.class);
            for (int round = 0; round < 50; round++) {
                for (String shard : orm.shardIds()) {
                    users.findById(keysByShard.get(shard).get(round % keysByShard.get(shard).size()));
                }
            }
            ShardingStatistics uniform = orm.statistics();
            assertEquals(List.of(), uniform.hotShards(), uniform::toTable);
        }
        try (ShardedPersistence orm = open(shards, b -> { })) {
            ShardedRepository<User, Long> users = orm.repository(User.class);
            String hot = orm.shardIds().get(1);
            long planted = keysByShard.get(hot).get(0);
            for (int round = 0; round < 40; round++) {
                for (String shard : orm.shardIds()) {
                    int times = shard.equals(hot) ? 5 : 1;
                    for (int i = 0; i < times; i++) {
                        // on the hot shard, 3 of 5 reads hit one key: its bucket is the hot bucket
                        long key = shard.equals(hot) && i < 3 ? planted : keysByShard.get(shard).get((round * 5 + i) % keysByShard.get(shard).size());
                        users.findById(key);
                    }
                }
            }
            ShardingStatistics skewed = orm.statistics();
            assertEquals(List.of(hot), skewed.hotShards(), skewed::toTable);
            assertEquals(5.0 / 8, skewed.shard(hot).windowOperationShare(), 0.01);
            HotBucket top = skewed.shard(hot).hotBuckets().get(0);
            assertEquals(StableKeyHash.bucketOf(StableKeyHash.hash64(planted), orm.shardMap().bucketCount()), top.bucket(), skewed::toTable);
            assertTrue(top.share() >= 0.6, top::toString);
        }
    }

    @Test
    void rowsPerShardAreEstimatedFromTheCatalogAndCountedExactlyOnDemand(ShardDatabases shards) throws SQLException {
        try (ShardedPersistence orm = open(shards, b -> { })) {
            long first = keys(300);
            List<User> batch = new ArrayList<>();
            for (long id = first; id < first + 300; id++) {
                batch.add(new User(id, "r" + id));
            }
            orm.repository(User.class).saveAll(batch);
            for (ShardDatabase db : shards) {
                execute(db, "ANALYZE users");
                execute(db, "ANALYZE posts");
            }
            ShardingStatistics exact = orm.statistics(true);
            ShardingStatistics estimated = orm.statistics();
            assertTrue(exact.rowsExact());
            long max = 0;
            long sum = 0;
            for (ShardDatabase db : shards) {
                long users = count(db, "users");
                assertEquals(users, exact.shard(db.id()).rowsByTable().get("users"), db.id());
                assertEquals(users, estimated.shard(db.id()).rowsByTable().get("users"), db.id() + " estimate after ANALYZE");
                long rows = users + count(db, "posts");
                assertEquals(rows, exact.shard(db.id()).rows());
                max = Math.max(max, rows);
                sum += rows;
            }
            assertEquals(max / (sum / 4.0), exact.rowSkew(), 1e-9);
        }
    }

    @Test
    void theRoutingLogShowsShardsAndWhy_withValuesMasked(ShardDatabases shards) {
        Logger logger = (Logger) LoggerFactory.getLogger("io.github.shardingorm.routing-log");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try (ShardedPersistence orm = open(shards, b -> b.routingLog(true, false))) {
            long id = keys(1) + 777_000_000L;
            orm.query("select u from User u where u.id = :id", User.class).param("id", id).list();
            orm.query("select count(u) from User u", Long.class).single();
            List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(2, lines.size(), lines::toString);
            assertTrue(lines.get(0).contains("-> [" + orm.shardOf(id) + "] (shard key)") && lines.get(0).contains("{:id=?}"), lines.get(0));
            assertFalse(lines.get(0).contains(Long.toString(id)), "bind values are masked: " + lines.get(0));
            assertTrue(lines.get(1).contains("fan-out to all 4 shards") && lines.get(1).contains("count"), lines.get(1));
        } finally {
            logger.detachAppender(appender);
        }
        try (ShardedPersistence orm = open(shards, b -> { })) {
            appender.list.clear();
            logger.addAppender(appender);
            orm.query("select count(u) from User u", Long.class).single();
            assertEquals(List.of(), appender.list, "off by default");
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void aWriteIsOneRoutedKeyInTheBucketSketch_likeARead(ShardDatabases shards) {
        try (ShardedPersistence orm = open(shards, b -> { })) {
            var router = ((io.github.shardingorm.internal.boot.ShardedPersistenceImpl) orm).router();
            long first = keys(200_000);
            int bucket = router.bucketed().bucketOf(first);
            List<Long> sameBucket = new ArrayList<>();
            for (long id = first; id < first + 200_000 && sameBucket.size() < 12; id++) {
                if (router.bucketed().bucketOf(id) == bucket) {
                    sameBucket.add(id);
                }
            }
            assertEquals(12, sameBucket.size());
            for (long id : sameBucket) {
                orm.inTransaction(id, s -> s.persist(new User(id, "w" + id))); // routed once, then checked by the write guards
            }
            for (long id : sameBucket.subList(0, 4)) {
                orm.inTransaction(id, s -> s.find(User.class, id).setName("again")); // an update: routed once too
            }
            String shard = router.bucketed().shardMap().shardOf(bucket);
            for (long id : sameBucket) { // questions, not operations: not counted
                assertEquals(shard, orm.shardOf(id));
                assertEquals(shard, orm.shardOf(User.class, id));
                assertEquals(shard, orm.shardOfEntity(new User(id, "q")));
                assertEquals(shard, orm.repository(User.class).shardOfEntity(new User(id, "q")));
            }
            HotBucket top = orm.statistics().shard(shard).hotBuckets().get(0);
            assertEquals(bucket, top.bucket(), orm.statistics().shard(shard)::toString);
            assertEquals(16, top.count(), "12 inserts and 4 updates, each one routed key (shardOf not counted): " + top);
            assertEquals(0, top.error(), top::toString);
        }
    }

    @Test
    void streamsAreCountedPerShardWithTheirRows_likeListedQueries(ShardDatabases shards) throws SQLException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShardedPersistence orm = open(shards, b -> { })) {
            new ShardingMetrics(orm).bindTo(registry);
            long first = keys(120);
            List<Object> batch = new ArrayList<>();
            for (long id = first; id < first + 120; id++) {
                batch.add(new User(id, "s" + id));
            }
            orm.saveAll(batch);
            Map<String, Long> before = new HashMap<>();
            Map<String, Long> timersBefore = new HashMap<>();
            for (String shard : orm.shardIds()) {
                before.put(shard, orm.statistics().shard(shard).operations("query"));
                Timer t = registry.find("db.client.operation.duration").tag("shard", shard).tag("db.operation.name", "query")
                        .tag("error.type", "none").timer();
                timersBefore.put(shard, t == null ? 0 : t.count());
            }

            // a fan-out stream: one cursor (one statement) per shard, rows merged in order
            long streamed;
            try (var rows = orm.query("select u from User u where u.id >= :f and u.id < :t order by u.id", User.class)
                    .param("f", first).param("t", first + 120).fetchSize(7).stream()) {
                streamed = rows.count();
            }
            assertEquals(120, streamed);
            // a keyed stream: one statement on one shard
            String keyed = orm.shardOf(first);
            try (var rows = orm.query("select u from User u where u.id = :id", User.class).param("id", first).stream()) {
                assertEquals(1, rows.count());
            }
            // a stream of the repository
            try (var rows = orm.<User, Long>repository(User.class).streamAll("id")) {
                assertTrue(rows.count() >= 120);
            }

            ShardingStatistics stats = orm.statistics();
            for (String shard : orm.shardIds()) {
                long statements = 2 + (shard.equals(keyed) ? 1 : 0); // the fan-out's cursor, the repository's, the keyed one
                assertEquals(statements, stats.shard(shard).operations("query") - before.get(shard), shard + " query operations");
                assertEquals(statements, timer(registry, shard, "query", "none").count() - timersBefore.get(shard), shard + " query timer");
                assertTrue(timer(registry, shard, "query", "none").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0, shard);
            }
            var merged = registry.get("sharding.query.merge.rows").summary();
            assertEquals(2, merged.count(), "the two fanned-out streams reported their rows");
            assertEquals(120.0 + total(shards), merged.totalAmount(), "rows handed out by the streams");
            assertEquals(4.0, registry.get("sharding.query.shards").summary().max());
            assertEquals(3, registry.get("sharding.query.shards").summary().count(), "three streams");

            // a failing shard: counted as an error of that shard, and the partial stream as partial
            String broken = orm.shardIds().get(1);
            execute(shards.byId(broken), "ALTER TABLE users RENAME TO users_hidden");
            try (var rows = orm.query("select u from User u", User.class).failurePolicy(FailurePolicy.PARTIAL).stream()) {
                assertTrue(rows.count() > 0);
            } finally {
                execute(shards.byId(broken), "ALTER TABLE users_hidden RENAME TO users");
            }
            assertEquals(1, orm.statistics().shard(broken).errorsByReason().getOrDefault("sql", 0L), orm.statistics().shard(broken)::toString);
            assertEquals(1, timer(registry, broken, "query", "sql").count());
            assertEquals(1.0, registry.get("sharding.query.partial").counter().count());
            assertNoMeterTaggedByKey(registry, orm.shardIds());
        }
    }

    private static long total(ShardDatabases shards) throws SQLException {
        long n = 0;
        for (ShardDatabase db : shards) {
            n += count(db, "users");
        }
        return n;
    }

    @Test
    void cacheStatisticsArePublishedAsMetersPerRegionAndShard(ShardDatabases shards) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CacheConfig cache = CacheConfig.builder().entity(User.class, 1_000, Duration.ofMinutes(5))
                .cacheAside(User.class, 1_000, Duration.ofMinutes(5)).invalidation(CacheConfig.Invalidation.DISABLED).build();
        try (ShardedPersistence orm = open(shards, b -> b.cache(cache))) {
            new ShardingMetrics(orm).bindTo(registry);
            ShardedRepository<User, Long> users = orm.repository(User.class);
            long first = keys(40);
            Map<String, Long> perShard = new HashMap<>();
            for (long id = first; id < first + 40; id++) {
                users.save(new User(id, "c" + id));
                perShard.merge(orm.shardOf(id), 1L, Long::sum);
            }
            for (int round = 0; round < 2; round++) {
                for (long id = first; id < first + 40; id++) {
                    assertTrue(users.findById(id).isPresent());
                }
            }
            orm.inTransaction(first, s -> s.find(User.class, first).setName("changed"));
            String aside = User.class.getName() + "#aside";
            for (String shard : orm.shardIds()) {
                long n = perShard.getOrDefault(shard, 0L);
                assertEquals(n, (long) cacheMeter(registry, "sharding.cache.gets", aside, shard, "hit"), shard + " aside hits");
                assertEquals(n, (long) cacheMeter(registry, "sharding.cache.gets", aside, shard, "miss"), shard + " aside misses");
                assertEquals(n, (long) cacheMeter(registry, "sharding.cache.puts", aside, shard, null), shard + " aside puts");
                assertEquals(orm.shardOf(first).equals(shard) ? 1 : 0, (long) cacheMeter(registry, "sharding.cache.evictions", aside, shard, null),
                        shard + " aside evictions");
            }
            for (RegionStatistics r : orm.cacheStatistics().regions()) {
                assertEquals(r.hits(), (long) cacheMeter(registry, "sharding.cache.gets", r.region(), r.shard(), "hit"), r::toString);
                assertEquals(r.misses(), (long) cacheMeter(registry, "sharding.cache.gets", r.region(), r.shard(), "miss"), r::toString);
                assertEquals(r.puts(), (long) cacheMeter(registry, "sharding.cache.puts", r.region(), r.shard(), null), r::toString);
                assertEquals(r.evictions(), (long) cacheMeter(registry, "sharding.cache.evictions", r.region(), r.shard(), null), r::toString);
            }
            assertTrue(orm.cacheStatistics().regions().stream().anyMatch(r -> r.region().equals(User.class.getName()) && r.misses() > 0),
                    "the second-level region counted too: " + orm.cacheStatistics().regions());
            assertNoMeterTaggedByKey(registry, orm.shardIds());
        }
    }

    private static double cacheMeter(SimpleMeterRegistry registry, String name, String region, String shard, String result) {
        var search = registry.find(name).tag("region", region).tag("shard", shard);
        if (result != null) {
            search = search.tag("result", result);
        }
        io.micrometer.core.instrument.FunctionCounter c = search.functionCounter();
        if (c == null) {
            throw new AssertionError("no " + name + " for " + region + " on " + shard + " (" + result + "); meters: "
                    + registry.getMeters().stream().map(m -> m.getId().toString()).filter(m -> m.contains("cache")).toList());
        }
        return c.count();
    }

    /**
     * poolMetrics(false): no HikariCP tracker on any pool (no hikaricp.* meter), while the operation timers still count
     * exactly the work done on each shard.
     */
    @Test
    void poolMetricsCanBeLeftOff_theOperationTimersStillCountTheWork(ShardDatabases shards) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ShardedPersistence orm = open(shards, b -> { })) {
            new ShardingMetrics(orm).poolMetrics(false).bindTo(registry);
            ShardedRepository<User, Long> users = orm.repository(User.class);
            Map<String, Long> writes = new HashMap<>();
            Map<String, Long> reads = new HashMap<>();
            long first = keys(40);
            for (long id = first; id < first + 40; id++) {
                users.save(new User(id, "p" + id));
                writes.merge(orm.shardOf(id), 1L, Long::sum);
            }
            for (long id = first; id < first + 40; id += 2) {
                assertTrue(users.findById(id).isPresent());
                reads.merge(orm.shardOf(id), 1L, Long::sum);
            }
            for (String shard : orm.shardIds()) {
                assertEquals(writes.getOrDefault(shard, 0L), timer(registry, shard, "write", "none").count(), shard + " write timer");
                assertEquals(reads.getOrDefault(shard, 0L), timer(registry, shard, "read", "none").count(), shard + " read timer");
            }
            List<String> poolMeters = registry.getMeters().stream().map(m -> m.getId().getName()).filter(n -> n.startsWith("hikaricp")).toList();
            assertEquals(List.of(), poolMeters, "no HikariCP meters with poolMetrics(false)");
            assertFalse(registry.getMeters().isEmpty());
        }
    }

    @Test
    void statisticsCanBeTurnedOff(ShardDatabases shards) {
        try (ShardedPersistence orm = open(shards, b -> b.statistics(false))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, orm::statistics);
            assertTrue(e.getMessage().contains("statistics are off"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Timer timer(SimpleMeterRegistry registry, String shard, String operation, String errorType) {
        Timer t = registry.find("db.client.operation.duration").tag("shard", shard).tag("db.operation.name", operation)
                .tag("error.type", errorType).timer();
        if (t == null) {
            throw new AssertionError("no timer for shard " + shard + ", " + operation + ", " + errorType + "; meters: "
                    + registry.getMeters().stream().map(m -> m.getId().toString()).toList());
        }
        return t;
    }

    /** Every tag key is one of the bounded set; every shard tag is a shard id; no meter name or tag value carries a key. */
    private static void assertNoMeterTaggedByKey(SimpleMeterRegistry registry, List<String> shardIds) {
        for (Meter m : registry.getMeters()) {
            for (Tag tag : m.getId().getTags()) {
                if (m.getId().getName().startsWith("hikaricp")) {
                    continue;
                }
                assertTrue(TAG_KEYS.contains(tag.getKey()), "unexpected tag " + tag + " on " + m.getId());
                if (tag.getKey().equals("kind")) {
                    assertTrue(Set.of("move", "import").contains(tag.getValue()), m.getId()::toString);
                }
                if (tag.getKey().equals("shard")) {
                    assertTrue(shardIds.contains(tag.getValue()), m.getId()::toString);
                }
                assertFalse(tag.getValue().matches(".*\\d{5,}.*"), "a key-like tag value on " + m.getId());
            }
        }
    }

    private static void execute(ShardDatabase db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(ShardDatabase db, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
