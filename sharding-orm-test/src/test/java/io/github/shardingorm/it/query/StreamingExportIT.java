package io.github.shardingorm.it.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.it.query.model.Event;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.test.PostgresShardSupport;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Exports 1,000,000 rows from 4 shards in ORDER BY through {@code stream()} in a child JVM limited
 * to a 128 MiB heap ({@link StreamingExportMain}): the k-way merge holds a bounded number of rows
 * per shard, so the export neither runs out of memory nor breaks the order. The rows are inserted
 * with {@code generate_series} (each shard its own key range), not through Hibernate.
 * {@code -Dstream.rows=...} changes the row count.
 */
class StreamingExportIT {

    private static final long ROWS = Long.getLong("stream.rows", 1_000_000L);

    /** Rows id in [?, ?]: seq is a permutation of the ids (unique, interleaved across shards), kind has 20 values. */
    static final String EVENTS_INSERT = "insert into events (id, seq, kind, payload) "
            + "select g, (g * 7919) % 1000003, g % 20, 'payload-' || g from generate_series(?, ?) g";

    @Test
    void aMillionRowOrderedExportRunsIn128MiB() throws Exception {
        long perShard = ROWS / 4;
        try (ShardDatabases dbs = PostgresShardSupport.createDatabases(4)) {
            ShardedPersistenceBuilder builder = ShardedPersistence.builder();
            for (ShardDatabase db : dbs) {
                builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
            }
            builder.strategy(ShardingStrategies.range().shard("s0", null, perShard).shard("s1", perShard, 2 * perShard)
                    .shard("s2", 2 * perShard, 3 * perShard).shard("s3", 3 * perShard, null).build());
            try (ShardedPersistence orm = builder.entities(Event.class).schema(SchemaAction.CREATE).maximumPoolSize(2).build()) {
                for (int i = 0; i < 4; i++) {
                    try (Connection c = dbs.get(i).connect();
                         PreparedStatement insert = c.prepareStatement(EVENTS_INSERT)) {
                        insert.setLong(1, i * perShard);
                        insert.setLong(2, (i + 1) * perShard - 1);
                        assertEquals(perShard, insert.executeUpdate());
                    }
                    try (Connection c = dbs.get(i).connect()) {
                        c.createStatement().execute("analyze events");
                    }
                }
                assertEquals(ROWS, orm.query("select count(e) from Event e", Long.class).single().orElseThrow());
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), StreamingExportMain.class.getName(),
                    dbs.get(0).username(), dbs.get(0).password().isEmpty() ? "-" : dbs.get(0).password()));
            for (ShardDatabase db : dbs) {
                command.add(db.jdbcUrl());
            }
            command.add(Long.toString(ROWS));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            StringBuilder output = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!line.contains(" DEBUG ") && !line.contains(" INFO ")) {
                        output.append(line).append('\n');
                    }
                }
            }
            assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the export did not finish");
            String text = output.toString();
            assertEquals(0, child.exitValue(), "the export failed:\n" + text.substring(Math.max(0, text.length() - 4000)));
            Matcher m = Pattern.compile("ROWS=(\\d+) CHECKSUM=\\d+ PEAK_HEAP_MB=(\\d+) MAX_HEAP_MB=(\\d+) SECONDS=([\\d.]+)").matcher(text);
            assertTrue(m.find(), text);
            assertEquals(ROWS, Long.parseLong(m.group(1)));
            assertTrue(Long.parseLong(m.group(3)) <= 128, "the child's heap limit is " + m.group(3) + " MiB");
            System.out.println("StreamingExportIT: " + m.group(0));
        }
    }
}
