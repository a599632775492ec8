package io.github.shardingorm.it.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.hibernate.DirectInserts;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardedPersistenceTest;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.annotations.DynamicInsert;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.junit.jupiter.api.Test;

/**
 * {@code saveAll}'s direct path ({@code DirectInserts}: Hibernate's static insert SQL and value
 * binders, one JDBC batch per type and shard, no {@code StatelessSession.insert}) writes what
 * {@code persist} writes. Every column of a type with a converter, two enum mappings, java.time
 * values, a byte[], a BigDecimal, a UUID, an embeddable, nulls in each of them and a column that
 * is not insertable (its database default) is compared, row by row, between a row saved through
 * {@code saveAll} and the same values persisted in a session: by SQL ({@code to_jsonb} of the row
 * minus its id). Bean validation still runs (the test module has a provider: validation is on),
 * and a type the direct path does not take ({@code @DynamicInsert}) still goes through the
 * stateless session. The other saveAll semantics on this path (one {@code @PostPersist} per row,
 * the fallback to merge on existing ids, the fence) are in {@code SaveAllStatelessIT} and
 * {@code FencePerBucketIT}, whose flat types take the direct path too.
 */
@ShardedPersistenceTest(shards = 3, entities = {SaveAllDirectIT.Sample.class, SaveAllDirectIT.Sparse.class, SaveAllDirectIT.Named.class})
class SaveAllDirectIT {

    private static final AtomicLong NEXT = new AtomicLong(1);

    public enum Colour { RED, GREEN, BLUE }

    /** A value stored through a converter: its parts joined with '|'. */
    public record Tags(List<String> parts) {
    }

    public static final class TagsConverter implements AttributeConverter<Tags, String> {
        @Override
        public String convertToDatabaseColumn(Tags tags) {
            return tags == null ? null : "[" + String.join("|", tags.parts()) + "]";
        }

        @Override
        public Tags convertToEntityAttribute(String column) {
            return column == null ? null : new Tags(List.of(column.substring(1, column.length() - 1).split("\\|")));
        }
    }

    @Embeddable
    public static class Address {
        private String street;
        private Integer zip;

        protected Address() {
        }

        Address(String street, Integer zip) {
            this.street = street;
            this.zip = zip;
        }
    }

    @Entity(name = "Sample")
    @Table(name = "samples")
    public static class Sample {
        @Id
        private Long id;

        @ShardKey
        @Column(name = "owner_id", nullable = false)
        private long ownerId;

        @Convert(converter = TagsConverter.class)
        private Tags tags;

        @Enumerated(EnumType.STRING)
        @Column(name = "colour_name")
        private Colour colourName;

        @Enumerated(EnumType.ORDINAL)
        @Column(name = "colour_ordinal")
        private Colour colourOrdinal;

        @Column(name = "created_at")
        private LocalDateTime createdAt;

        @Column(name = "seen_at")
        private Instant seenAt;

        private LocalDate day;

        private String note;

        private byte[] payload;

        @Column(precision = 12, scale = 3)
        private BigDecimal amount;

        private UUID token;

        private boolean flag;

        private Integer boxed;

        @Embedded
        private Address address;

        @Column(insertable = false, columnDefinition = "varchar(20) default 'db-default'")
        private String server;

        protected Sample() {
        }

        Sample(long id, long ownerId, int i) {
            this.id = id;
            this.ownerId = ownerId;
            this.tags = i % 4 == 0 ? null : new Tags(List.of("t" + i, "x"));
            this.colourName = i % 5 == 0 ? null : Colour.values()[i % 3];
            this.colourOrdinal = i % 6 == 0 ? null : Colour.values()[(i + 1) % 3];
            this.createdAt = i % 7 == 0 ? null : LocalDateTime.of(2026, 1, 1 + i % 28, i % 24, i % 60, i % 60, 123_456_000);
            this.seenAt = i % 8 == 0 ? null : Instant.ofEpochSecond(1_700_000_000L + i * 3601L, 654_321_000);
            this.day = i % 9 == 0 ? null : LocalDate.of(2025, 1 + i % 12, 1 + i % 28);
            this.note = i % 2 == 0 ? null : "note " + i + " \u00e9\u00e8 'quoted'";
            this.payload = i % 3 == 0 ? null : new byte[] {(byte) i, 0, (byte) 0xff, (byte) (i >> 8)};
            this.amount = i % 10 == 0 ? null : new BigDecimal(i + ".125");
            this.token = i % 11 == 0 ? null : new UUID(i, -i);
            this.flag = i % 2 == 1;
            this.boxed = i % 2 == 1 ? null : i * 7;
            this.address = i % 3 == 1 ? null : new Address(i % 2 == 0 ? "street " + i : null, i % 5 == 0 ? null : 10_000 + i);
            this.server = "set in Java, not insertable";
        }
    }

    /** Not taken by the direct path ({@code @DynamicInsert}): stays on the stateless session's insert. */
    @Entity(name = "Sparse")
    @Table(name = "sparse")
    @DynamicInsert
    public static class Sparse {
        @Id
        @ShardKey
        private Long id;

        private String label;

        protected Sparse() {
        }

        Sparse(Long id, String label) {
            this.id = id;
            this.label = label;
        }
    }

    /** A type with a constraint: bean validation runs on the direct path as on the stateless insert. */
    @Entity(name = "Named")
    @Table(name = "named")
    public static class Named {
        @Id
        @ShardKey
        private Long id;

        @Size(max = 5)
        private String name;

        protected Named() {
        }

        Named(Long id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    private static boolean direct(ShardedPersistence orm, Class<?> type) {
        SessionFactoryImplementor factory = orm.sessionFactory().unwrap(SessionFactoryImplementor.class);
        EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(type);
        return new DirectInserts(((ShardedPersistenceImpl) orm).router(), null, factory).supports(persister);
    }

    @Test
    void theDirectPathWritesEveryColumnAsPersistDoes(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        assertTrue(direct(orm, Sample.class), "Sample takes the direct path (else this test compares persist with the stateless insert)");
        int n = 120;
        long first = NEXT.getAndAdd(2L * n);
        List<Sample> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(new Sample(first + i, 1000 + i, i));
        }
        orm.repository(Sample.class).saveAll(batch);
        for (int i = 0; i < n; i++) {
            Sample twin = new Sample(first + n + i, 1000 + i, i);
            orm.inTransaction(twin.ownerId, session -> session.persist(twin));
        }
        for (int i = 0; i < n; i++) {
            String saved = row(shards, first + i);
            String persisted = row(shards, first + n + i);
            assertNotNull(saved, "row " + (first + i) + " written by saveAll");
            assertEquals(persisted, saved, "row " + i + ": saveAll (left: persist) wrote other values");
        }
        // and the values are the right ones, not the same wrong ones: spot checks
        String one = row(shards, first + 1);
        assertTrue(one.contains("\"tags\": \"[t1|x]\""), one);
        assertTrue(one.contains("\"colour_name\": \"GREEN\""), one);
        assertTrue(one.contains("\"colour_ordinal\": 2"), one);
        assertTrue(one.contains("\"note\": \"note 1 \u00e9\u00e8 'quoted'\""), one);
        assertTrue(one.contains("\"payload\": \"\\\\x0100ff00\""), one);
        assertTrue(one.contains("\"boxed\": null"), one);
        assertTrue(one.contains("\"server\": \"db-default\""), one);
        assertTrue(one.contains("\"street\": null") && one.contains("\"zip\": null"), "a null embeddable: " + one);
        String zero = row(shards, first);
        assertTrue(zero.contains("\"tags\": null") && zero.contains("\"note\": null") && zero.contains("\"payload\": null"), zero);
        assertTrue(zero.contains("\"token\": null") && zero.contains("\"flag\": false") && zero.contains("\"boxed\": 0"), zero);
        assertTrue(one.contains("\"token\": \"00000000-0000-0001-ffff-ffffffffffff\"") && one.contains("\"flag\": true"), one);
        assertTrue(zero.contains("\"street\": \"street 0\""), zero);
    }

    @Test
    void aTypeTheDirectPathDoesNotTakeStillLands(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        assertFalse(direct(orm, Sparse.class), "@DynamicInsert");
        long first = NEXT.getAndAdd(50);
        List<Sparse> batch = new ArrayList<>();
        for (long id = first; id < first + 50; id++) {
            batch.add(new Sparse(id, id % 2 == 0 ? null : "label " + id));
        }
        orm.repository(Sparse.class).saveAll(batch);
        assertEquals(50, count(shards, "select count(*) from sparse where id between " + first + " and " + (first + 49)));
        assertEquals(25, count(shards, "select count(*) from sparse where label is null and id between " + first + " and " + (first + 49)));
    }

    @Test
    void beanValidationRunsOnTheDirectPathAndAnInvalidRowWritesNothing(ShardedPersistence orm, ShardDatabases shards) throws SQLException {
        assertTrue(direct(orm, Named.class), "a validated type takes the direct path (validation runs per row there)");
        long first = NEXT.getAndAdd(30);
        List<Named> batch = new ArrayList<>();
        for (long id = first; id < first + 30; id++) {
            batch.add(new Named(id, id == first + 17 ? "far too long" : "ok"));
        }
        RuntimeException e = assertThrows(RuntimeException.class, () -> orm.repository(Named.class).saveAll(batch));
        boolean violation = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            violation |= t instanceof jakarta.validation.ConstraintViolationException;
        }
        assertTrue(violation, "a bean validation failure: " + e);
        String shard = orm.shardOf(Named.class, first + 17);
        ShardDatabase db = shards.byId(shard);
        assertEquals(0, count(List.of(db), "select count(*) from named where id between " + first + " and " + (first + 29)),
                "the invalid row's shard wrote nothing");
        batch.set(17, new Named(first + 17, "fine"));
        orm.repository(Named.class).saveAll(batch);
        assertEquals(30, count(shards, "select count(*) from named where id between " + first + " and " + (first + 29)));
    }

    /** The row with {@code id} as JSON minus its id (null when absent), from whichever shard holds it. */
    private static String row(ShardDatabases shards, long id) throws SQLException {
        String found = null;
        for (ShardDatabase shard : shards.list()) {
            try (Connection c = shard.connect();
                 PreparedStatement ps = c.prepareStatement("select (to_jsonb(s) - 'id')::text from samples s where id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        assertEquals(null, found, "id " + id + " on two shards");
                        found = rs.getString(1);
                    }
                }
            }
        }
        return found;
    }

    private static long count(Iterable<ShardDatabase> shards, String sql) throws SQLException {
        long total = 0;
        for (ShardDatabase shard : shards) {
            try (Connection c = shard.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                total += rs.getLong(1);
            }
        }
        return total;
    }

    private static long count(ShardDatabases shards, String sql) throws SQLException {
        return count(shards.list(), sql);
    }
}
