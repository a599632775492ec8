package io.github.shardingorm.internal.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.cache.CacheRuntime;
import io.github.shardingorm.internal.stats.ErrorReasons;
import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.internal.stats.OperationKind;
import io.github.shardingorm.internal.stats.ShardIdInstances;
import io.github.shardingorm.internal.stats.ShardingEvents;
import io.github.shardingorm.internal.stats.StatisticsRecorder;
import io.github.shardingorm.saga.SagaState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Micrometer meters of a persistence unit: a {@link ShardingEvents} listener that turns the
 * engine's events into meters of one registry. The only package that names Micrometer types; it is
 * loaded only when a user binds a registry ({@code ShardingMetrics.bindTo}), so the library runs
 * without Micrometer on the classpath.
 *
 * <p>Meters are tagged by shard, role, operation kind and error reason, never by key or value:
 * at most shards &times; 2 roles &times; 4 kinds &times; 7 outcomes operation timers. The timers of
 * a shard are created on first use and then found by a scan of reference compares over the configured
 * ids and two array reads (no tag building, no hash-table probe on the hot path). Names follow OpenTelemetry's database client conventions where one exists
 * ({@code db.client.operation.duration}); the README lists every meter.
 */
public final class MicrometerBinding implements ShardingEvents {

    private static final Logger LOG = LoggerFactory.getLogger(MicrometerBinding.class);

    static final String OPERATION_DURATION = "db.client.operation.duration";
    static final String QUERY_SHARDS = "sharding.query.shards";
    static final String QUERY_PARTIAL = "sharding.query.partial";
    static final String MERGE_DURATION = "sharding.query.merge.duration";
    static final String MERGE_ROWS = "sharding.query.merge.rows";
    static final String SAGA_TRANSITIONS = "sharding.saga.transitions";
    static final String TWO_PHASE = "sharding.twophase.transactions";
    static final String SHARD_HOT = "sharding.shard.hot";
    static final String SHARD_SHARE = "sharding.shard.operation.share";
    static final String CACHE_GETS = "sharding.cache.gets";
    static final String CACHE_PUTS = "sharding.cache.puts";
    static final String CACHE_EVICTIONS = "sharding.cache.evictions";

    private static final int OUTCOMES = ErrorReasons.ALL.size() + 1; // 0 = success

    private final MeterRegistry registry;
    private final Map<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();
    private final Map<String, AtomicReferenceArray<Timer>> replicaTimers = new ConcurrentHashMap<>();
    private final Timer mergeDuration;
    private final DistributionSummary queryShards;
    private final DistributionSummary mergeRows;
    private final Counter partial;
    /** The configured shards and their timers side by side (primary, replica): found by identity, no hash-table probe. */
    private final String[] ids;
    private final AtomicReferenceArray<Timer>[] primaryById;
    private final AtomicReferenceArray<Timer>[] replicaById;
    /** Null when the pools' own meters are left off ({@code ShardingMetrics.poolMetrics(false)}). */
    private final MicrometerMetricsTrackerFactory poolTrackers;
    private final StatisticsRecorder statistics;

    @SuppressWarnings("unchecked")
    private MicrometerBinding(MeterRegistry registry, StatisticsRecorder statistics, java.util.List<String> shardIds, boolean poolMetrics) {
        this.registry = registry;
        this.statistics = statistics;
        this.ids = shardIds.toArray(new String[0]);
        this.primaryById = new AtomicReferenceArray[ids.length];
        this.replicaById = new AtomicReferenceArray[ids.length];
        for (int i = 0; i < ids.length; i++) {
            primaryById[i] = timers.computeIfAbsent(ids[i], k -> newSlots());
            replicaById[i] = replicaTimers.computeIfAbsent(ids[i], k -> newSlots());
        }
        this.mergeDuration = Timer.builder(MERGE_DURATION).description("Time to merge the shards' rows of a fanned-out query")
                .register(registry);
        this.queryShards = DistributionSummary.builder(QUERY_SHARDS).description("Shards a query ran on (1 = keyed)")
                .baseUnit("shards").register(registry);
        this.mergeRows = DistributionSummary.builder(MERGE_ROWS).description("Rows in the merged answer of a fanned-out query")
                .baseUnit("rows").register(registry);
        this.partial = Counter.builder(QUERY_PARTIAL).description("Queries answered without some shard (FailurePolicy.PARTIAL)")
                .register(registry);
        this.poolTrackers = poolMetrics ? new MicrometerMetricsTrackerFactory(registry) : null;
    }

    private static AtomicReferenceArray<Timer> newSlots() {
        return new AtomicReferenceArray<>(OperationKind.values().length * OUTCOMES);
    }

    /** Binds the meters of {@code orm} to {@code registry}, HikariCP's pool meters included. */
    public static void bind(ShardedPersistence orm, MeterRegistry registry) {
        bind(orm, registry, true);
    }

    /**
     * Binds the meters of {@code orm} to {@code registry}; {@code poolMetrics} false leaves HikariCP's own tracker off
     * (no {@code hikaricp.*} meters from this registry, and the pools pay no clock read and no timer per borrow and return).
     */
    public static void bind(ShardedPersistence orm, MeterRegistry registry, boolean poolMetrics) {
        if (!(orm instanceof ShardedPersistenceImpl impl)) {
            throw new IllegalArgumentException("not a persistence unit built by ShardedPersistence.builder(): " + orm);
        }
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        Instrumentation instrumentation = impl.instrumentation();
        MicrometerBinding binding = new MicrometerBinding(registry, instrumentation.statistics(), impl.shardIds(), poolMetrics);
        if (instrumentation.statistics() != null) {
            for (String shard : impl.shardIds()) {
                binding.registerShardGauges(shard);
            }
        }
        instrumentation.addListener(binding);
        if (impl.activeJobs() != null) {
            ReshardingMeters.bind(impl.activeJobs(), registry);
        }
        CacheRuntime cache = impl.cache();
        if (cache != null && cache.enabled()) {
            cache.onCounters(binding::registerCacheCounters);
        }
    }

    /**
     * The caches' counters of one region on one shard as function counters: read from the caches' own
     * adders when the registry publishes, nothing added to a cache read. Tags {@code region} (an entity
     * or collection role, {@code <entity>#aside}, the query results region) and {@code shard}, never keys.
     */
    private void registerCacheCounters(String region, String shard, LongAdder hits, LongAdder misses, LongAdder puts,
                                       LongAdder evictions) {
        FunctionCounter.builder(CACHE_GETS, hits, LongAdder::sum).tag("region", region).tag("shard", shard).tag("result", "hit")
                .description("Cache reads answered by the cache").register(registry);
        FunctionCounter.builder(CACHE_GETS, misses, LongAdder::sum).tag("region", region).tag("shard", shard).tag("result", "miss")
                .description("Cache reads the cache could not answer").register(registry);
        FunctionCounter.builder(CACHE_PUTS, puts, LongAdder::sum).tag("region", region).tag("shard", shard)
                .description("Entries stored in the cache").register(registry);
        FunctionCounter.builder(CACHE_EVICTIONS, evictions, LongAdder::sum).tag("region", region).tag("shard", shard)
                .description("Cache entries invalidated (writes, flushes, moved buckets)").register(registry);
    }

    private void registerShardGauges(String shard) {
        StatisticsRecorder s = statistics;
        Gauge.builder(SHARD_HOT, s, r -> r.isHot(shard) ? 1 : 0).tag("shard", shard)
                .description("1 while the shard is hot over the sliding window, else 0").register(registry);
        Gauge.builder(SHARD_SHARE, s, r -> r.operationShare(shard)).tag("shard", shard)
                .description("The shard's share of all operations over the sliding window (0..1)").register(registry);
    }

    @Override
    public void operation(String shard, String role, OperationKind kind, long nanos, String errorReason) {
        // the engine passes the constants: compare by reference first ("primary" and "replica" have the same length)
        boolean replica = role == Instrumentation.REPLICA || role != Instrumentation.PRIMARY && Instrumentation.REPLICA.equals(role);
        int i = ShardIdInstances.indexOf(ids, shard);
        AtomicReferenceArray<Timer> shardTimers = i < 0 ? null : replica ? replicaById[i] : primaryById[i];
        if (shardTimers == null) { // another instance of the id, or a shard added later
            Map<String, AtomicReferenceArray<Timer>> byShard = replica ? replicaTimers : timers;
            shardTimers = byShard.get(shard); // no key built per operation
            if (shardTimers == null) {
                shardTimers = byShard.computeIfAbsent(shard, k -> newSlots());
            }
        }
        int outcome = errorReason == null ? 0 : 1 + ErrorReasons.ALL.indexOf(errorReason);
        int slot = kind.ordinal() * OUTCOMES + outcome;
        Timer timer = shardTimers.get(slot);
        if (timer == null) {
            timer = Timer.builder(OPERATION_DURATION)
                    .description("Duration of database operations on one shard")
                    .tag("db.system.name", "postgresql")
                    .tag("shard", shard)
                    .tag("role", role)
                    .tag("db.operation.name", kind.tag())
                    .tag("outcome", errorReason == null ? "success" : "error")
                    .tag("error.type", errorReason == null ? "none" : errorReason)
                    .register(registry);
            shardTimers.set(slot, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void fanOut(int width, int failedShards, long mergeNanos, long rows) {
        queryShards.record(width);
        if (failedShards > 0 && failedShards < width) {
            partial.increment();
        }
        if (width > 1) {
            if (mergeNanos > 0) { // a stream's merge is interleaved with its reader: rows only
                mergeDuration.record(mergeNanos, TimeUnit.NANOSECONDS);
            }
            mergeRows.record(rows);
        }
    }

    @Override
    public void sagaTransition(String type, SagaState state) {
        Counter.builder(SAGA_TRANSITIONS).description("Saga state transitions (RUNNING = started)")
                .tag("type", type).tag("state", state.name()).register(registry).increment();
    }

    @Override
    public void twoPhase(String phase) {
        Counter.builder(TWO_PHASE).description("Two-phase-commit transactions by phase reached")
                .tag("phase", phase).register(registry).increment();
    }

    @Override
    public void poolStarted(String shard, String role, HikariDataSource pool) {
        if (poolTrackers == null) {
            return;
        }
        try {
            pool.setMetricsTrackerFactory(poolTrackers);
        } catch (IllegalStateException e) {
            LOG.warn("pool {} already reports to another registry; its hikaricp.* meters stay there ({})", pool.getPoolName(), e.getMessage());
        }
    }
}
