package io.github.shardingorm.bench;

import java.util.ArrayList;
import java.util.List;
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
 * End-to-end keyed CRUD on PostgreSQL, one entity per transaction, 4 client threads: sharding-orm
 * over 4 databases vs plain Hibernate on one database ({@link #stack} is the competitor), same
 * entity, pool size and Hibernate settings.
 *
 * <ul>
 *   <li>{@link #insert}: persist a new {@link BenchUser} (sharding-orm: {@code orm.inTransaction(key, persist)});</li>
 *   <li>{@link #save}: save a new user with an assigned id (sharding-orm: {@code repository.save},
 *       which merges because the id is set; plain: {@code merge});</li>
 *   <li>{@link #findById}: load a random pre-loaded user by id (sharding-orm: {@code repository.findById},
 *       a read-only transaction; plain: {@code find} in a transaction).</li>
 * </ul>
 *
 * <p>Each trial (one JMH fork per benchmark and stack) creates fresh databases ({@code bench_s0..3}
 * or {@code bench_plain}), pre-loads {@value #PRELOADED} users and drops the databases at the end.
 * Only the stack being measured is running in the fork.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeyedCrudBenchmark {

    static final int PRELOADED = 10_000;
    static final int POOL_SIZE = 8;
    static final List<String> SHARD_DATABASES = List.of("bench_s0", "bench_s1", "bench_s2", "bench_s3");
    static final String PLAIN_DATABASE = "bench_plain";

    @Param({"sharding-orm", "plain-hibernate"})
    public String stack;

    private final AtomicLong nextNewId = new AtomicLong(1_000_000_000L);
    private List<String> databases;
    private CrudStack crud;

    @Setup(Level.Trial)
    public void setUp() {
        boolean sharded = "sharding-orm".equals(stack);
        databases = sharded ? SHARD_DATABASES : List.of(PLAIN_DATABASE);
        BenchDatabases.recreate(databases);
        crud = sharded ? new ShardedStack(SHARD_DATABASES, POOL_SIZE) : new PlainHibernateStack(PLAIN_DATABASE, POOL_SIZE);
        List<BenchUser> users = new ArrayList<>(PRELOADED);
        for (long id = 1; id <= PRELOADED; id++) {
            users.add(new BenchUser(id));
        }
        crud.load(users);
        if (crud.findById(PRELOADED) == null) {
            throw new IllegalStateException(stack + ": pre-loaded user " + PRELOADED + " not found");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (crud != null) {
                crud.close();
            }
        } finally {
            BenchDatabases.drop(databases);
        }
    }

    @Benchmark
    public void insert() {
        crud.insert(new BenchUser(nextNewId.getAndIncrement()));
    }

    @Benchmark
    public BenchUser save() {
        return crud.save(new BenchUser(nextNewId.getAndIncrement()));
    }

    @Benchmark
    public BenchUser findById() {
        return crud.findById(ThreadLocalRandom.current().nextLong(1, PRELOADED + 1));
    }
}
