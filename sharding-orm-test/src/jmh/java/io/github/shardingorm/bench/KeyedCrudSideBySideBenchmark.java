package io.github.shardingorm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link KeyedCrudBenchmark}'s workloads with both stacks running AT THE SAME TIME in one fork
 * (a JMH group: 4 threads on sharding-orm, 4 on plain Hibernate), so that whatever else the
 * machine is doing slows both alike. On a shared machine this gives a steadier ratio than two
 * runs one after the other; absolute figures are lower because the stacks share the CPUs and
 * the PostgreSQL server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeyedCrudSideBySideBenchmark {

    private final AtomicLong nextNewId = new AtomicLong(1_000_000_000L);
    private List<String> databases;
    private CrudStack sharded;
    private CrudStack plain;

    @Setup(Level.Trial)
    public void setUp() {
        databases = new ArrayList<>(KeyedCrudBenchmark.SHARD_DATABASES);
        databases.add(KeyedCrudBenchmark.PLAIN_DATABASE);
        BenchDatabases.recreate(databases);
        sharded = new ShardedStack(KeyedCrudBenchmark.SHARD_DATABASES, KeyedCrudBenchmark.POOL_SIZE);
        plain = new PlainHibernateStack(KeyedCrudBenchmark.PLAIN_DATABASE, KeyedCrudBenchmark.POOL_SIZE);
        List<BenchUser> users = new ArrayList<>();
        for (long id = 1; id <= KeyedCrudBenchmark.PRELOADED; id++) {
            users.add(new BenchUser(id));
        }
        sharded.load(users);
        plain.load(users);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (sharded != null) {
                sharded.close();
            }
            if (plain != null) {
                plain.close();
            }
        } finally {
            BenchDatabases.drop(databases);
        }
    }

    private static long randomPreloadedId() {
        return ThreadLocalRandom.current().nextLong(1, KeyedCrudBenchmark.PRELOADED + 1);
    }

    @Benchmark
    @Group("insert")
    @GroupThreads(4)
    public void insert_shardingOrm() {
        sharded.insert(new BenchUser(nextNewId.getAndIncrement()));
    }

    @Benchmark
    @Group("insert")
    @GroupThreads(4)
    public void insert_plainHibernate() {
        plain.insert(new BenchUser(nextNewId.getAndIncrement()));
    }

    @Benchmark
    @Group("save")
    @GroupThreads(4)
    public BenchUser save_shardingOrm() {
        return sharded.save(new BenchUser(nextNewId.getAndIncrement()));
    }

    @Benchmark
    @Group("save")
    @GroupThreads(4)
    public BenchUser save_plainHibernate() {
        return plain.save(new BenchUser(nextNewId.getAndIncrement()));
    }

    @Benchmark
    @Group("findById")
    @GroupThreads(4)
    public BenchUser findById_shardingOrm() {
        return sharded.findById(randomPreloadedId());
    }

    @Benchmark
    @Group("findById")
    @GroupThreads(4)
    public BenchUser findById_plainHibernate() {
        return plain.findById(randomPreloadedId());
    }
}
