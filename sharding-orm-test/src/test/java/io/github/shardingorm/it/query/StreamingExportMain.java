package io.github.shardingorm.it.query;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.it.query.model.Event;
import io.github.shardingorm.routing.ShardingStrategies;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Child-JVM side of {@link StreamingExportIT}: streams every {@link Event} of 4 range shards in
 * ORDER BY seq DESC and checks the order, printing {@code ROWS=<n> PEAK_HEAP_MB=<m> SECONDS=<s>}.
 * Run with a small heap ({@code -Xmx128m}); exits 1 on a wrong order or count.
 *
 * <p>Arguments: user, password ("-" for none), then the 4 JDBC URLs (s0..s3) and the expected row count.
 */
public final class StreamingExportMain {

    private StreamingExportMain() {
    }

    public static void main(String[] args) {
        String user = args[0];
        String password = "-".equals(args[1]) ? null : args[1];
        long expected = Long.parseLong(args[6]);
        long perShard = expected / 4;
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (int i = 0; i < 4; i++) {
            builder.shard("s" + i, args[2 + i], user, password);
        }
        builder.strategy(ShardingStrategies.range().shard("s0", null, perShard).shard("s1", perShard, 2 * perShard)
                .shard("s2", 2 * perShard, 3 * perShard).shard("s3", 3 * perShard, null).build());
        long start = System.nanoTime();
        long rows = 0;
        long previous = Long.MAX_VALUE;
        long checksum = 0;
        try (ShardedPersistence orm = builder.entities(Event.class).maximumPoolSize(2).build();
             Stream<Event> events = orm.<Event, Long>repository(Event.class).query("select e from Event e order by e.seq desc")
                     .fetchSize(500).stream()) {
            Iterator<Event> it = events.iterator();
            while (it.hasNext()) {
                Event e = it.next();
                if (e.getSeq() >= previous) {
                    System.out.println("ORDER BROKEN at row " + rows + ": " + e.getSeq() + " after " + previous);
                    System.exit(1);
                }
                previous = e.getSeq();
                checksum += e.getId();
                rows++;
            }
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long max = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        System.out.printf("ROWS=%d CHECKSUM=%d PEAK_HEAP_MB=%d MAX_HEAP_MB=%d SECONDS=%.1f%n", rows, checksum, peak / (1024 * 1024), max, seconds);
        System.exit(rows == expected && checksum == expected * (expected - 1) / 2 ? 0 : 1);
    }
}
