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
 * {@code pool}). The README lists every meter.
 *
 * <p>Micrometer ({@code io.micrometer:micrometer-core}) is an optional dependency of sharding-orm:
 * this is the only public class that needs it, and nothing else loads it.
 */
public final class ShardingMetrics implements MeterBinder {

    private final ShardedPersistence orm;

    /** @param orm a unit built by {@code ShardedPersistence.builder()}; not null */
    public ShardingMetrics(ShardedPersistence orm) {
        if (orm == null) {
            throw new IllegalArgumentException("orm must not be null");
        }
        this.orm = orm;
    }

    /** Registers the meters; operations from now on are measured. A pool reports to the first registry bound only. */
    @Override
    public void bindTo(MeterRegistry registry) {
        MicrometerBinding.bind(orm, registry);
    }
}
