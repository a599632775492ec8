package io.github.shardingorm.it.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.it.model.Device;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardedPersistenceTest;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostPersist;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.github.shardingorm.ShardKey;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@code saveAll} of new rows with assigned ids of flat types (no associations, collections,
 * {@code @PrePersist}, cache or version) goes through a stateless session per shard: no
 * persistence context, no flush (Hibernate's statistics count no flush for it); their rows go
 * straight into one JDBC batch per type with Hibernate's insert SQL and binders
 * ({@code DirectInserts}, checked column by column in {@code SaveAllDirectIT}). What must not
 * change, checked here against every shard's rows: {@code @PostPersist} runs once per row; a type
 * with {@code @PrePersist} stays on persist + flush, so what its callback sets is inserted; a batch
 * that mixes two flat types interleaved lands every row; a batch holding existing ids falls back to
 * the careful path (select, merge) on the shards that have them; a bad key anywhere writes nothing.
 * The fence's refusal of a stateless batch is in {@code FencePerBucketIT} (its {@code User} is flat).
 */
@ShardedPersistenceTest(shards = 4, entities = {SaveAllStatelessIT.Reading.class, SaveAllStatelessIT.Stamped.class, Device.class},
        properties = "hibernate.generate_statistics=true")
class SaveAllStatelessIT {

    private static final AtomicLong NEXT_KEY = new AtomicLong(1);

    /** A flat type with a {@code @PostPersist} callback that counts per id. */
    @Entity(name = "Reading")
    @Table(name = "readings")
    public static class Reading {
        static final Map<Long, Integer> POST_PERSISTED = new ConcurrentHashMap<>();

        @Id
        @ShardKey
        private Long id;

        private int reading;

        protected Reading() {
        }

        Reading(Long id, int reading) {
            this.id = id;
            this.reading = reading;
        }

        @PostPersist
        void persisted() {
            POST_PERSISTED.merge(id, 1, Integer::sum);
        }
    }

    /** A flat type whose {@code @PrePersist} sets a column: it must stay on persist + flush. */
    @Entity(name = "Stamped")
    @Table(name = "stamped")
    public static class Stamped {
        @Id
        @ShardKey
        private Long id;

        private String stamp;

        protected Stamped() {
        }

        Stamped(Long id) {
            this.id = id;
        }

        @PrePersist
        void stamp() {
            stamp = "stamped-" + id;
        }
    }

    private static long keys(int count) {
        return NEXT_KEY.getAndAdd(count);
    }

    private static Statistics statistics(ShardedPersistence orm) {
        return orm.sessionFactory().unwrap(SessionFactory.class).getStatistics();
    }

    @Test
    void flatTypesAreInsertedWithoutAFlushAndPostPersistRunsOncePerRow(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        long first = keys(400);
        List<Reading> batch = new ArrayList<>();
        for (long id = first; id < first + 400; id++) {
            batch.add(new Reading(id, (int) id * 3));
        }
        Statistics stats = statistics(orm);
        long flushes = stats.getFlushCount();
        long inserts = stats.getEntityInsertCount();
        List<Reading> saved = orm.repository(Reading.class).saveAll(batch);
        assertEquals(batch, saved, "the given instances, in input order");
        assertEquals(0, stats.getFlushCount() - flushes, "a stateless insert flushes nothing");
        assertEquals(400, stats.getEntityInsertCount() - inserts);
        for (long id = first; id < first + 400; id++) {
            assertEquals(1, Reading.POST_PERSISTED.get(id), "@PostPersist of " + id);
        }
        Map<Long, String> rows = rows(shards, "select id, reading::text from readings where id between ? and ?", first, first + 399);
        assertEquals(400, rows.size());
        for (long id = first; id < first + 400; id++) {
            assertEquals(String.valueOf(id * 3), rows.get(id));
        }
    }

    @Test
    void aTypeWithPrePersistStaysOnPersistSoItsCallbackValueIsInserted(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        long first = keys(40);
        List<Stamped> batch = new ArrayList<>();
        for (long id = first; id < first + 40; id++) {
            batch.add(new Stamped(id));
        }
        Statistics stats = statistics(orm);
        long flushes = stats.getFlushCount();
        orm.repository(Stamped.class).saveAll(batch);
        assertTrue(stats.getFlushCount() - flushes > 0, "persist + flush");
        Map<Long, String> rows = rows(shards, "select id, stamp from stamped where id between ? and ?", first, first + 39);
        assertEquals(40, rows.size());
        for (long id = first; id < first + 40; id++) {
            assertEquals("stamped-" + id, rows.get(id));
        }
    }

    @Test
    void twoFlatTypesInterleavedInOneBatchLandEveryRow(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        long first = keys(100);
        List<Object> batch = new ArrayList<>();
        List<UUID> devices = new ArrayList<>();
        for (long id = first; id < first + 100; id++) {
            batch.add(new Reading(id, 7));
            UUID device = new UUID(first, id);
            devices.add(device);
            batch.add(new Device(device, "device-" + id));
        }
        Statistics stats = statistics(orm);
        long flushes = stats.getFlushCount();
        assertEquals(batch, orm.saveAll(batch));
        assertEquals(0, stats.getFlushCount() - flushes);
        assertEquals(100, rows(shards, "select id, reading::text from readings where id between ? and ?", first, first + 99).size());
        for (UUID device : devices) {
            List<String> holders = new ArrayList<>();
            for (ShardDatabase shard : shards.list()) {
                try (Connection c = shard.connect();
                     PreparedStatement ps = c.prepareStatement("select label from devices where id = ?")) {
                    ps.setObject(1, device);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            holders.add(shard.id());
                        }
                    }
                }
            }
            assertEquals(List.of(orm.shardOf(Device.class, device)), holders, "device " + device);
        }
    }

    @Test
    void existingIdsFallBackToMergeOnTheirShards(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        ShardedRepository<Reading, Long> readings = orm.repository(Reading.class);
        long first = keys(200);
        List<Reading> existing = new ArrayList<>();
        for (long id = first; id < first + 200; id += 10) {
            existing.add(new Reading(id, -1));
        }
        readings.saveAll(existing);
        List<Reading> mixed = new ArrayList<>();
        for (long id = first; id < first + 200; id++) {
            mixed.add(new Reading(id, 5));
        }
        assertEquals(200, readings.saveAll(mixed).size());
        Map<Long, String> rows = rows(shards, "select id, reading::text from readings where id between ? and ?", first, first + 199);
        assertEquals(200, rows.size());
        rows.values().forEach(v -> assertEquals("5", v));
    }

    @Test
    void aDuplicateInsideTheBatchIsRefusedAndItsShardWritesNothing(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        long id = keys(1);
        List<Reading> batch = List.of(new Reading(id, 1), new Reading(id, 2));
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> orm.repository(Reading.class).saveAll(batch));
        assertTrue(!(e instanceof ShardRoutingException), String.valueOf(e));
        // the careful retry persists the first and merges the second onto it: one row, the last value
        // (or, if Hibernate refuses the second instance of one id, nothing): never two rows, never a half batch
        Map<Long, String> rows = rows(shards, "select id, reading::text from readings where id = ? or id = ?", id, id);
        assertTrue(rows.isEmpty(), "nothing written: " + rows + " after " + e);
    }

    @Test
    void aBadKeyAnywhereWritesNothing(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        long first = keys(20);
        List<Reading> batch = new ArrayList<>();
        for (long id = first; id < first + 20; id++) {
            batch.add(new Reading(id, 1));
        }
        batch.add(new Reading(null, 1));
        ShardingException e = org.junit.jupiter.api.Assertions.assertThrows(ShardingException.class,
                () -> orm.repository(Reading.class).saveAll(batch));
        assertTrue(e.getMessage().contains("Reading"), e.getMessage());
        assertEquals(0, rows(shards, "select id, reading::text from readings where id between ? and ?", first, first + 19).size());
    }

    /** id to the second column, over every shard (each id at most once, else the test fails). */
    private static Map<Long, String> rows(ShardDatabases shards, String sql, long from, long to) throws SQLException {
        Map<Long, String> out = new TreeMap<>();
        for (ShardDatabase shard : shards.list()) {
            try (Connection c = shard.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, from);
                ps.setLong(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String before = out.put(rs.getLong(1), rs.getString(2));
                        assertEquals(null, before, "id " + rs.getLong(1) + " on two shards");
                    }
                }
            }
        }
        return out;
    }
}
