package io.github.shardingorm.it.cache;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.cache.model.Account;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabases;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Invalidation latency across instances (issue 16): instance A commits an update of a row that
 * instance B holds in its cache-aside; B re-reads it in a tight loop until it sees the new value.
 * The time from A's commit returning to B's first fresh read, over {@code -Dbench.iterations}
 * updates (default 500), alternating two shards; prints p50 / p90 / p99 / max. Also B's hit latency
 * (mean of a batch) for scale.
 *
 * <p>Not part of the default build. Run:
 * <pre>
 * ./mvnw -o -pl sharding-orm-test -am verify -Dit.test=CacheInvalidationLatencyBenchmark -Dshardingorm.bench=true \
 *     -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.iterations=500]
 * </pre>
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "shardingorm.bench", matches = "true", disabledReason = "a benchmark: run with -Dshardingorm.bench=true")
@PostgresShards(count = 2)
class CacheInvalidationLatencyBenchmark {

    @Test
    void invalidationLatency(ShardDatabases databases) throws Exception {
        int iterations = Integer.getInteger("bench.iterations", 500);
        try (ShardedPersistence a = CacheFixture.instance(databases, SchemaAction.CREATE, CacheFixture.everything());
             ShardedPersistence b = CacheFixture.instance(databases, SchemaAction.NONE, CacheFixture.everything())) {
            long[] owners = {CacheFixture.keyOn(a, "s0", 1), CacheFixture.keyOn(a, "s1", 1)};
            for (long owner : owners) {
                a.inTransaction(owner, s -> s.persist(new Account(1L, owner, "latency", 0)));
            }
            long[] nanos = new long[iterations];
            long value = 0;
            for (int i = -50; i < iterations; i++) { // 50 warm-up rounds
                long owner = owners[(i & 1)];
                long before = CacheFixture.findBalance(b, owner, 1); // cached in b
                long next = ++value;
                CacheFixture.setBalance(a, owner, 1, next);
                long committed = System.nanoTime();
                while (CacheFixture.findBalance(b, owner, 1) != next) {
                    Thread.onSpinWait();
                }
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - committed;
                }
                if (before == next) {
                    throw new AssertionError("the read before the write saw the write");
                }
            }
            Arrays.sort(nanos);
            long hitStart = System.nanoTime();
            int hits = 200_000;
            for (int i = 0; i < hits; i++) {
                CacheFixture.findBalance(b, owners[i & 1], 1);
            }
            double hitNanos = (double) (System.nanoTime() - hitStart) / hits;
            System.out.printf("invalidation latency over %d updates (A commit returned -> B reads the new value): "
                            + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; B's cache-aside hit %.0f ns (mean of %d)%n",
                    iterations, ms(nanos, 0.50), ms(nanos, 0.90), ms(nanos, 0.99), nanos[iterations - 1] / 1e6, hitNanos, hits);
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
