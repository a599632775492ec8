package io.github.shardingorm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.shardingorm.metrics.ShardingStatistics;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional: with it absent from the classpath the library starts, runs keyed work and
 * answers {@code statistics()}. Run by its own surefire execution ({@code without-micrometer}),
 * whose classpath excludes {@code micrometer-core}; the default execution skips it.
 */
class WithoutMicrometerTest {

    @Entity
    @Table(name = "notes")
    public static class Note {
        @Id
        @ShardKey
        Long id;
        String text;

        protected Note() {
        }

        Note(long id, String text) {
            this.id = id;
            this.text = text;
        }
    }

    @Test
    void startsAndAnswersStatisticsWithoutMicrometer() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.micrometer.core.instrument.MeterRegistry"),
                "this test must run with micrometer-core excluded from the classpath");
        try (ShardedPersistence orm = ShardedPersistence.builder()
                .shard("s0", "jdbc:h2:mem:nomicrometer_s0;DB_CLOSE_DELAY=-1", "sa", "")
                .shard("s1", "jdbc:h2:mem:nomicrometer_s1;DB_CLOSE_DELAY=-1", "sa", "")
                .entities(Note.class)
                .schema(SchemaAction.CREATE)
                .twoPhaseCommit(TwoPhaseCommitMode.DISABLED)
                .maximumPoolSize(2)
                .connectionTimeout(java.time.Duration.ofSeconds(30)) // a loaded CI machine opens H2 slowly
                .build()) {
            ShardedRepository<Note, Long> notes = orm.repository(Note.class);
            for (long id = 1; id <= 20; id++) {
                notes.save(new Note(id, "n" + id));
            }
            ShardingStatistics stats = orm.statistics();
            assertEquals(20, stats.shard("s0").operations("write") + stats.shard("s1").operations("write"));
            assertEquals(orm.shardIds(), stats.shards().stream().map(s -> s.shardId()).toList());
        }
    }
}
