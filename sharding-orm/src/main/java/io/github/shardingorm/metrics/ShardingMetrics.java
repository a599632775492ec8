package io.github.shardingorm.metrics;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.internal.metrics.MicrometerBinding;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds a persistence unit's meters to a Micrometer registry:
 * <pre>{@code
 * new ShardingMetrics(orm).bindTo(registry);
 * }</pre>
 * Registers per-shard operation timers ({@code db.client.operation.duration}, tagged by shard, role,
 * operation and outcome, never by key), fan-out, saga and two-phase-commit meters, the hot-shard
 * gauges, and HikariCP's own meters for each shard's pool ({@code hikaricp.connections.*}, tag
 * {@code pool}; {@link #poolMetrics(boolean) poolMetrics(false)} leaves them out). The README lists every meter.
 *
 * <p>Micrometer ({@code io.micrometer:micrometer-core}) is an optional dependency of sharding-orm:
 * this is the only public class that needs it, and nothing else loads it.
 */
public final class ShardingMetrics implements MeterBinder {

    private final ShardedPersistence orm;
    private final boolean poolMetrics;

    /** @param orm a unit built by {@code ShardedPersistence.builder()}; not null */
    public ShardingMetrics(ShardedPersistence orm) {
        this(orm, true);
    }

    private ShardingMetrics(ShardedPersistence orm, boolean poolMetrics) {
        if (orm == null) {
            throw new IllegalArgumentException("orm must not be null");
        }
        this.orm = orm;
        this.poolMetrics = poolMetrics;
    }

    /**
     * Whether each shard's HikariCP pool reports its own meters ({@code hikaricp.connections.*}) to the registry
     * (default true). With {@code false} the pools get no tracker: no {@code hikaricp.*} meters, and no clock read
     * and no two timer records per connection borrow and return (a fifth to a third of what observing costs a keyed
     * operation, docs/benchmarks.md). Returns a new binder; this one is unchanged.
     */
    public ShardingMetrics poolMetrics(boolean poolMetrics) {
        return new ShardingMetrics(orm, poolMetrics);
    }

    /** Registers the meters; operations from now on are measured. A pool reports to the first registry bound only. */
    @Override
    public void bindTo(MeterRegistry registry) {
        MicrometerBinding.bind(orm, registry, poolMetrics);
    }
}
