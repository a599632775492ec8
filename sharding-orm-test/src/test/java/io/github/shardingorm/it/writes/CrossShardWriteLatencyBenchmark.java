package io.github.shardingorm.it.writes;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.it.writes.WritesFixture.Shard;
import io.github.shardingorm.it.writes.model.WriteMark;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.test.PostgresServerGroup;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Latency of writes that span two shards (one private PostgreSQL server each, with
 * {@code max_prepared_transactions=20}): two local transactions without coordination (the
 * baseline), a 2-step saga, and a 2-shard two-phase commit transaction. Each writes one row on
 * each shard. Single client thread; prints mean / p50 / p99 and ratios to the baseline.
 *
 * <p>Not part of the default build (the name does not end in IT, and it is disabled unless
 * {@code shardingorm.bench=true}). Run:
 * <pre>
 * mvn -o -pl sharding-orm-test verify -Dit.test=CrossShardWriteLatencyBenchmark -Dshardingorm.bench=true \
 *     -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.iterations=2000]
 * </pre>
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "shardingorm.bench", matches = "true", disabledReason = "a benchmark: run with -Dshardingorm.bench=true")
class CrossShardWriteLatencyBenchmark {

    private static final String TWO_STEP = "two-step";

    @Test
    void crossShardWriteLatency() {
        int iterations = Integer.getInteger("bench.iterations", 2000);
        int warmup = Math.max(200, iterations / 4);
        try (PostgresServerGroup servers = PostgresServerGroup.start(2, "max_prepared_transactions=20")) {
            List<Shard> shards = WritesFixture.shardsOnServers(servers.servers(), 2, "bench");
            try (ShardedPersistence orm = WritesFixture.builder(shards).twoPhaseCommit(TwoPhaseCommitMode.REQUIRED)
                    .recoveryInterval(Duration.ZERO).saga(twoStep()).build()) {
                long k0 = WritesFixture.keyOn(orm, "s0", 1);
                long k1 = WritesFixture.keyOn(orm, "s1", 1);
                Runnable local = () -> {
                    String g = UUID.randomUUID().toString();
                    orm.inTransaction(k0, s -> s.persist(new WriteMark(g, 0, 2, k0)));
                    orm.inTransaction(k1, s -> s.persist(new WriteMark(g, 1, 2, k1)));
                };
                Runnable saga = () -> {
                    SagaOutcome outcome = orm.sagas().start(TWO_STEP, Map.of("op", UUID.randomUUID().toString(), "k0", k0, "k1", k1)).outcome();
                    if (outcome != SagaOutcome.COMPLETED) {
                        throw new AssertionError(outcome);
                    }
                };
                Runnable twoPhase = () -> {
                    String g = UUID.randomUUID().toString();
                    orm.atomically(List.of(k0, k1), tx -> {
                        tx.session(k0).persist(new WriteMark(g, 0, 2, k0));
                        tx.session(k1).persist(new WriteMark(g, 1, 2, k1));
                    });
                };
                List<Runnable> all = List.of(local, saga, twoPhase);
                List<String> names = List.of("2 local transactions (no coordination)", "2-step saga", "2-shard two-phase commit");
                long[][] nanos = new long[3][iterations];
                for (int i = 0; i < warmup; i++) {
                    all.forEach(Runnable::run);
                }
                for (int i = 0; i < iterations; i++) {
                    for (int w = 0; w < 3; w++) {
                        long start = System.nanoTime();
                        all.get(w).run();
                        nanos[w][i] = System.nanoTime() - start;
                    }
                }
                double baseMean = mean(nanos[0]);
                double baseP50 = percentile(nanos[0], 50);
                StringBuilder out = new StringBuilder("\n| write | mean (ms) | p50 (ms) | p99 (ms) | mean / baseline | p50 / baseline |\n"
                        + "| --- | --- | --- | --- | --- | --- |\n");
                for (int w = 0; w < 3; w++) {
                    out.append(String.format("| %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", names.get(w), mean(nanos[w]) / 1e6,
                            percentile(nanos[w], 50) / 1e6, percentile(nanos[w], 99) / 1e6, mean(nanos[w]) / baseMean,
                            percentile(nanos[w], 50) / baseP50));
                }
                out.append(String.format("(%d iterations after %d warm-up, interleaved, 1 client thread)%n", iterations, warmup));
                System.out.println(out);
            }
        }
    }

    private static SagaDefinition twoStep() {
        return SagaDefinition.named(TWO_STEP)
                .step("s0", a -> a.getLong("k0"), (s, a) -> s.persist(new WriteMark(a.getString("op"), 0, 2, a.getLong("k0"))),
                        (s, a) -> s.remove(s.find(WriteMark.class, WriteMark.id(a.getString("op"), 0))))
                .step("s1", a -> a.getLong("k1"), (s, a) -> s.persist(new WriteMark(a.getString("op"), 1, 2, a.getLong("k1"))),
                        (s, a) -> s.remove(s.find(WriteMark.class, WriteMark.id(a.getString("op"), 1))))
                .build();
    }

    private static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
