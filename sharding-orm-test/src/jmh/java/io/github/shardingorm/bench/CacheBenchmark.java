package io.github.shardingorm.bench;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.cache.CacheConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hibernate.SessionFactory;
import org.hibernate.boot.CacheRegionDefinition;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.CacheSettings;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.cfg.SchemaToolingSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Keyed point read of a pre-loaded, already cached {@link BenchUser} (issue 16), one thread, average
 * time per read:
 * <ul>
 *   <li>{@code aside}: sharding-orm's {@code findById} with the cache-aside on (a hit opens no session);</li>
 *   <li>{@code second-level}: sharding-orm's {@code findById} with only Hibernate's second-level cache on
 *       (a session and a read-only transaction, the entity from the cache);</li>
 *   <li>{@code off}: sharding-orm's {@code findById} without a cache (a shard read);</li>
 *   <li>{@code plain-second-level}: plain Hibernate on one database with its JCache (Caffeine)
 *       second-level cache, {@code find} in a transaction.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheBenchmark {

    static final int PRELOADED = 1_000;
    static final List<String> SHARD_DATABASES = List.of("bench_s0", "bench_s1", "bench_s2", "bench_s3");
    static final String PLAIN_DATABASE = "bench_plain";

    @Param({"aside", "second-level", "off", "plain-second-level"})
    public String cache;

    private List<String> databases;
    private ShardedPersistence orm;
    private ShardedRepository<BenchUser, Long> users;
    private HikariDataSource plainPool;
    private SessionFactory plain;

    @Setup(Level.Trial)
    public void setUp() {
        List<BenchUser> all = new ArrayList<>();
        for (long id = 1; id <= PRELOADED; id++) {
            all.add(new BenchUser(id));
        }
        if (cache.equals("plain-second-level")) {
            databases = List.of(PLAIN_DATABASE);
            BenchDatabases.recreate(databases);
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(BenchDatabases.url(PLAIN_DATABASE));
            hc.setUsername(BenchDatabases.USER);
            if (BenchDatabases.PASSWORD != null) {
                hc.setPassword(BenchDatabases.PASSWORD);
            }
            hc.setMaximumPoolSize(4);
            hc.setAutoCommit(false);
            plainPool = new HikariDataSource(hc);
            StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                    .applySetting(JdbcSettings.DATASOURCE, plainPool)
                    .applySetting(JdbcSettings.CONNECTION_PROVIDER_DISABLES_AUTOCOMMIT, true)
                    .applySetting(SchemaToolingSettings.HBM2DDL_AUTO, "create")
                    .applySetting(CacheSettings.CACHE_REGION_FACTORY, "jcache")
                    .applySetting("hibernate.javax.cache.provider", "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider")
                    .applySetting("hibernate.javax.cache.missing_cache_strategy", "create")
                    .applySetting("hibernate.generate_statistics", true)
                    .build();
            var metadata = new MetadataSources(registry).addAnnotatedClass(BenchUser.class).getMetadataBuilder();
            metadata.applyCacheRegionDefinition(new CacheRegionDefinition(CacheRegionDefinition.CacheRegionType.ENTITY,
                    BenchUser.class.getName(), "read-write", BenchUser.class.getName(), true));
            plain = metadata.build().buildSessionFactory();
            plain.inTransaction(s -> all.forEach(s::persist));
        } else {
            databases = SHARD_DATABASES;
            BenchDatabases.recreate(databases);
            ShardedPersistenceBuilder builder = ShardedPersistence.builder();
            for (int i = 0; i < SHARD_DATABASES.size(); i++) {
                builder.shard("s" + i, BenchDatabases.url(SHARD_DATABASES.get(i)), BenchDatabases.USER, BenchDatabases.PASSWORD);
            }
            CacheConfig config = switch (cache) {
                case "aside" -> CacheConfig.builder().entity(BenchUser.class).cacheAside(BenchUser.class, 10_000, Duration.ofHours(1)).build();
                case "second-level" -> CacheConfig.builder().entity(BenchUser.class, 10_000, Duration.ofHours(1)).build();
                default -> CacheConfig.disabled();
            };
            orm = builder.entities(BenchUser.class).schema(SchemaAction.CREATE).maximumPoolSize(4).cache(config).build();
            users = orm.repository(BenchUser.class);
            users.saveAll(all);
        }
        for (long id = 1; id <= PRELOADED; id++) {
            if (read(id) == null) {
                throw new IllegalStateException(cache + ": pre-loaded user " + id + " not found");
            }
        }
        if (plain != null) {
            long before = plain.getStatistics().getSecondLevelCacheHitCount();
            read(1);
            if (plain.getStatistics().getSecondLevelCacheHitCount() != before + 1) {
                throw new IllegalStateException("plain Hibernate's read of a cached user did not hit its second-level cache: "
                        + plain.getStatistics());
            }
            plain.getStatistics().setStatisticsEnabled(false);
        }
    }

    private BenchUser read(long id) {
        if (plain != null) {
            return plain.fromTransaction(s -> s.find(BenchUser.class, id));
        }
        return users.findById(id).orElse(null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (orm != null) {
                orm.close();
            }
            if (plain != null) {
                plain.close();
                plainPool.close();
            }
        } finally {
            BenchDatabases.drop(databases);
        }
    }

    @Benchmark
    public BenchUser findById() {
        return read(ThreadLocalRandom.current().nextLong(1, PRELOADED + 1));
    }
}
