package io.github.shardingorm.bench;

import io.github.shardingorm.internal.routing.EntityModelScanner;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.hibernate.Hibernate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Keyed routing, no database: an entity instance (or a bare key) to its shard id through the
 * same {@link ShardRouter} that {@code ShardedPersistence} uses — model lookup, key read,
 * normalization, xxHash64, bucket, shard-map lookup — with the default strategy (bucketed hash,
 * 4096 buckets, 4 shards).
 *
 * <p>Entities are pre-generated; their keys are drawn uniformly or Zipf-skewed from a space of
 * 2^20 distinct keys, and each call takes the next one from the array.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {

    private static final int SIZE = 1 << 14;
    private static final int MASK = SIZE - 1;
    private static final int KEY_SPACE = 1 << 20;
    private static final List<String> SHARDS = List.of("s0", "s1", "s2", "s3");
    private static final int BUCKETS = 4096;

    /** The shard-key type: {@code Long} (a {@link BenchPost}), {@code String}, {@code UUID}. */
    @Param({"LONG", "STRING", "UUID"})
    public String keyType;

    @Param({"UNIFORM", "ZIPF"})
    public KeyDistribution distribution;

    private ShardRouter router;
    private Object[] entities;
    private Object[] keys;
    private int next;

    @Setup
    public void setUp() {
        List<String> problems = new ArrayList<>();
        Map<Class<?>, ShardedEntityModel> models = EntityModelScanner.scan(
                List.of(BenchPost.class, BenchTextPost.class, BenchUuidPost.class), true, BUCKETS, problems);
        ShardResolver resolver = ShardingStrategies.hash().bind(new ShardTopology(SHARDS, BUCKETS), problems);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("routing set-up failed: " + problems);
        }
        router = new ShardRouter(resolver, models, SHARDS, Set.of(), Hibernate::unproxy); // as start-up builds it

        long[] ranks = distribution.ranks(SIZE, KEY_SPACE, 42);
        entities = new Object[SIZE];
        keys = new Object[SIZE];
        for (int i = 0; i < SIZE; i++) {
            long rank = ranks[i];
            switch (keyType) {
                case "LONG" -> {
                    Long key = rank + 1;
                    keys[i] = key;
                    entities[i] = new BenchPost((long) i, key, "post " + i);
                }
                case "STRING" -> {
                    String key = "user-" + rank;
                    keys[i] = key;
                    entities[i] = new BenchTextPost((long) i, key, "post " + i);
                }
                case "UUID" -> {
                    UUID key = new UUID(rank * 0x9E3779B97F4A7C15L, ~rank * 0xC2B2AE3D27D4EB4FL);
                    keys[i] = key;
                    entities[i] = new BenchUuidPost((long) i, key, "post " + i);
                }
                default -> throw new IllegalArgumentException("unknown keyType " + keyType);
            }
        }
    }

    /** {@code ShardedPersistence.shardOfEntity(entity)} / the repository's save path. */
    @Benchmark
    public String shardOfEntity() {
        return router.shardOfEntity(entities[next++ & MASK]);
    }

    /** {@code ShardedPersistence.shardOf(key)} / {@code inTransaction(key, ...)}: a bare key, no entity. */
    @Benchmark
    public String shardOfKey() {
        return router.shardOfKey(keys[next++ & MASK]);
    }
}
