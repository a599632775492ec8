package io.github.shardingorm.bench;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.metrics.ShardingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * The cost of observing (issue 15): keyed insert and point read on 4 PostgreSQL shards, as in
 * {@link KeyedCrudBenchmark}, with
 * <ul>
 *   <li>{@code off}: {@code statistics(false)}, no registry: nothing is recorded;</li>
 *   <li>{@code statistics}: the default, per-shard statistics, hot-shard window and bucket sketch;</li>
 *   <li>{@code micrometer}: statistics plus a bound {@link SimpleMeterRegistry} (operation timers, HikariCP meters).</li>
 * </ul>
 * Same run, one fork per setting, fresh databases per fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsOverheadBenchmark {

    static final int PRELOADED = 10_000;
    /** One connection per client thread and shard: 16 per fork on the (shared) server. */
    static final int POOL_SIZE = 4;
    static final List<String> DATABASES = List.of("bench_m0", "bench_m1", "bench_m2", "bench_m3");

    @Param({"off", "statistics", "micrometer"})
    public String metrics;

    private final AtomicLong nextNewId = new AtomicLong(1_000_000_000L);
    private ShardedPersistence orm;
    private ShardedRepository<BenchUser, Long> users;

    @Setup(Level.Trial)
    public void setUp() {
        BenchDatabases.recreate(DATABASES);
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        for (int i = 0; i < DATABASES.size(); i++) {
            b.shard("s" + i, BenchDatabases.url(DATABASES.get(i)), BenchDatabases.USER, BenchDatabases.PASSWORD);
        }
        orm = b.entities(BenchUser.class).schema(SchemaAction.CREATE).maximumPoolSize(POOL_SIZE)
                .statistics(!"off".equals(metrics)).build();
        if ("micrometer".equals(metrics)) {
            new ShardingMetrics(orm).bindTo(new SimpleMeterRegistry());
        }
        users = orm.repository(BenchUser.class);
        Map<String, List<BenchUser>> byShard = new LinkedHashMap<>();
        for (long id = 1; id <= PRELOADED; id++) {
            BenchUser u = new BenchUser(id);
            byShard.computeIfAbsent(orm.shardOfEntity(u), s -> new ArrayList<>()).add(u);
        }
        byShard.forEach((shard, list) -> orm.fromTransactionOnShard(shard, session -> {
            list.forEach(session::persist);
            return null;
        }));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (!"off".equals(metrics)) {
                System.out.println();
                System.out.print(orm.statistics().toTable());
            }
            orm.close();
        } finally {
            BenchDatabases.drop(DATABASES);
        }
    }

    @Benchmark
    public void insert() {
        BenchUser user = new BenchUser(nextNewId.getAndIncrement());
        orm.inTransaction(user.id, session -> session.persist(user));
    }

    @Benchmark
    public BenchUser findById() {
        return users.findById(ThreadLocalRandom.current().nextLong(1, PRELOADED + 1)).orElse(null);
    }
}
