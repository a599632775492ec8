package io.github.shardingorm.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedPersistence;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.validation.constraints.Size;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;

/**
 * The library changes nothing outside its own unit (issue 13 part 6), on a classpath like a user's
 * without a Bean Validation provider (this module has the constraint annotations only): the library
 * brings no provider, so an {@code @Size(max = 3)} field persists in the default mode exactly as
 * plain Hibernate does, and a plain SessionFactory started in the same JVM before and after a
 * sharded unit keeps its own tenant-less, current-session-less behaviour. H2 shards: nothing here
 * needs PostgreSQL semantics.
 */
class NoSideEffectsTest {

    @Entity(name = "Tagged")
    @Table(name = "tagged")
    public static class Tagged {
        @Id
        @ShardKey
        Long id;

        @Size(max = 3)
        String code;

        protected Tagged() {
        }

        Tagged(Long id, String code) {
            this.id = id;
            this.code = code;
        }
    }

    @Test
    void theLibraryBringsNoBeanValidationProvider() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.hibernate.validator.HibernateValidator"));
    }

    @Test
    void aSizeConstraintDoesNotFailPersistInTheDefaultModeAsInPlainHibernate() {
        SessionFactory plainBefore = plain("plain_before");
        try (ShardedPersistence orm = ShardedPersistence.builder()
                .shard("s0", "jdbc:h2:mem:nse_s0;DB_CLOSE_DELAY=-1", "sa", "")
                .shard("s1", "jdbc:h2:mem:nse_s1;DB_CLOSE_DELAY=-1", "sa", "")
                .entities(Tagged.class).schema(SchemaAction.CREATE).build()) {
            orm.repository(Tagged.class).save(new Tagged(1L, "too long for three"));
            assertEquals("too long for three", orm.repository(Tagged.class).findById(1L).orElseThrow().code);

            SessionFactory plainAfter = plain("plain_after");
            for (SessionFactory plain : new SessionFactory[] {plainBefore, plainAfter}) {
                plain.inTransaction(s -> s.persist(new Tagged(7L, "also too long")));
                assertEquals("also too long", plain.fromTransaction(s -> s.find(Tagged.class, 7L)).code);
                SessionFactoryImplementor sfi = (SessionFactoryImplementor) plain;
                assertNull(sfi.getCurrentTenantIdentifierResolver(), "no tenant resolver leaked into a plain SessionFactory");
                assertFalse(sfi.getSessionFactoryOptions().isMultiTenancyEnabled());
                assertThrows(RuntimeException.class, plain::getCurrentSession, "no current-session context leaked either");
                plain.close();
            }
        }
    }

    private static SessionFactory plain(String db) {
        var registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.url", "jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1")
                .applySetting("hibernate.hbm2ddl.auto", "create-drop")
                .build();
        return new MetadataSources(registry).addAnnotatedClass(Tagged.class).buildMetadata().buildSessionFactory();
    }
}
