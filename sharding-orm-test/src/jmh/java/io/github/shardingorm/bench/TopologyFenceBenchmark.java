package io.github.shardingorm.bench;

import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.routing.ShardMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the stored topology and its fence (issue 11) on keyed insert and point read,
 * side by side with plain Hibernate in one fork (as {@link KeyedCrudSideBySideBenchmark}).
 * sharding-orm runs with the stored topology (schema action CREATE): every connection checkout
 * runs the version check, and {@code fence}:
 * <ul>
 *   <li>{@code steady}: nothing moves, so no shard has the fence trigger (the claim: no cost);</li>
 *   <li>{@code moving}: one bucket of every shard is MOVING (its shard carries the statement
 *       trigger, with no fence row yet), i.e. the cost paid while resharding copies.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TopologyFenceBenchmark {

    @Param({"steady", "moving"})
    public String fence;

    private final AtomicLong nextNewId = new AtomicLong(1_000_000_000L);
    private List<String> databases;
    private ShardedStack sharded;
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
        if ("moving".equals(fence)) {
            ShardedPersistenceImpl orm = (ShardedPersistenceImpl) sharded.orm();
            ShardMap map = orm.shardMap();
            List<String> shards = new ArrayList<>(map.shards());
            Map<String, Integer> firstBucket = new LinkedHashMap<>();
            for (int b = 0; b < map.bucketCount(); b++) {
                firstBucket.putIfAbsent(map.shardOf(b), b);
            }
            for (int i = 0; i < shards.size(); i++) {
                String from = shards.get(i);
                orm.topologyService().beginMove(Set.of(firstBucket.get(from)), from, shards.get((i + 1) % shards.size()));
            }
        }
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
