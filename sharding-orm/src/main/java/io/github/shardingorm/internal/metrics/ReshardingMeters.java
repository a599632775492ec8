package io.github.shardingorm.internal.metrics;

import io.github.shardingorm.internal.resharding.ActiveJobs;
import io.github.shardingorm.resharding.ReshardingProgress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The progress of resharding jobs and imports running in this JVM as gauges, tagged
 * {@code kind=move|import} only (never by job, bucket or key: the cardinality stays fixed). Each
 * gauge sums (or, for lag and ETA, takes the largest of) the running jobs' summaries, read from
 * memory when the registry is scraped; with no job running every gauge reads 0.
 */
public final class ReshardingMeters {

    static final String JOBS = "sharding.resharding.jobs";
    static final String ROWS = "sharding.resharding.rows.copied";
    static final String BYTES = "sharding.resharding.bytes.copied";
    static final String RATE = "sharding.resharding.copy.rate";
    static final String ETA = "sharding.resharding.eta";
    static final String LAG = "sharding.resharding.lag";
    static final String CHANGES = "sharding.resharding.changes.applied";

    private ReshardingMeters() {
    }

    /** Registers the gauges of {@code jobs} in {@code registry}. */
    public static void bind(ActiveJobs jobs, MeterRegistry registry) {
        for (String kind : List.of("move", "import")) {
            gauge(registry, JOBS, "Resharding jobs (moves) or imports running in this instance", null, jobs, kind,
                    l -> l.size());
            gauge(registry, ROWS, "Rows the running jobs have copied", "rows", jobs, kind,
                    l -> l.stream().mapToLong(ReshardingProgress::rowsCopied).sum());
            gauge(registry, BYTES, "Bytes the running jobs have copied", "bytes", jobs, kind,
                    l -> l.stream().mapToLong(ReshardingProgress::bytesCopied).sum());
            gauge(registry, RATE, "Copy rate of the running jobs", "rows/s", jobs, kind,
                    l -> l.stream().mapToDouble(ReshardingProgress::rowsPerSecond).sum());
            gauge(registry, ETA, "Estimated seconds to the end of the slowest running copy (0: none known)", "seconds", jobs, kind,
                    l -> l.stream().mapToLong(ReshardingProgress::etaSeconds).max().orElse(0));
            gauge(registry, LAG, "WAL bytes the furthest-behind target still has to apply (0: none known)", "bytes", jobs, kind,
                    l -> Math.max(0, l.stream().mapToLong(ReshardingProgress::lagBytes).max().orElse(0)));
            gauge(registry, CHANGES, "Changes the running jobs' catch-up has applied", "changes", jobs, kind,
                    l -> l.stream().mapToLong(ReshardingProgress::changesApplied).sum());
        }
    }

    private static void gauge(MeterRegistry registry, String name, String description, String unit, ActiveJobs jobs, String kind,
                              ToDoubleFunction<List<ReshardingProgress>> value) {
        Gauge.builder(name, jobs, j -> value.applyAsDouble(j.summaries(kind))).description(description).baseUnit(unit)
                .tag("kind", kind).register(registry);
    }
}
