package io.github.shardingorm.it.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.it.adoption.model.Coded;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import jakarta.validation.ConstraintViolationException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@code jakarta.persistence.validation.mode} is the user's (issue 13 part 6), on 2 real PostgreSQL
 * shards, with a Bean Validation provider on this test classpath: CALLBACK validates the user's
 * {@code @Size(max = 3)} (nothing written), NONE persists, and the default (AUTO) behaves exactly as a
 * plain Hibernate SessionFactory on the same classpath. (Without a provider on the classpath the
 * library brings none: see the library's {@code NoSideEffectsTest}.)
 */
@PostgresShards(count = 2)
class ValidationModeIT {

    @Test
    void callbackValidatesTheUsersEntityAndWritesNothing(ShardDatabases shards) throws SQLException {
        try (ShardedPersistence orm = unit(shards, "CALLBACK")) {
            assertThrows(ConstraintViolationException.class, () -> orm.repository(Coded.class).save(new Coded(1L, "toolong")));
            orm.repository(Coded.class).save(new Coded(2L, "ok"));
            assertEquals(1, rows(shards), "only the valid row was written");
        }
    }

    @Test
    void noneNeverValidates(ShardDatabases shards) throws SQLException {
        try (ShardedPersistence orm = unit(shards, "NONE")) {
            orm.repository(Coded.class).save(new Coded(3L, "too long but not validated"));
            assertEquals(1, rows(shards));
        }
    }

    @Test
    void theDefaultModeBehavesAsPlainHibernateOnTheSameClasspath(ShardDatabases shards) {
        ShardDatabase db = shards.get(0);
        boolean plainValidates;
        var registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.url", db.jdbcUrl())
                .applySetting("hibernate.connection.username", db.username())
                .applySetting("hibernate.connection.password", db.password())
                .applySetting("hibernate.hbm2ddl.auto", "create-drop")
                .build();
        try (SessionFactory plain = new MetadataSources(registry).addAnnotatedClass(Coded.class).buildMetadata().buildSessionFactory()) {
            plainValidates = validates(() -> plain.inTransaction(s -> s.persist(new Coded(4L, "toolong"))));
        }
        try (ShardedPersistence orm = unit(shards, null)) {
            assertEquals(plainValidates, validates(() -> orm.repository(Coded.class).save(new Coded(5L, "toolong"))),
                    "sharding-orm's default must match plain Hibernate's");
        }
    }

    private static boolean validates(Runnable write) {
        try {
            write.run();
            return false;
        } catch (ConstraintViolationException e) {
            return true;
        }
    }

    private static ShardedPersistence unit(ShardDatabases shards, String mode) {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (ShardDatabase db : shards) {
            builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        if (mode != null) {
            builder.hibernateProperty("jakarta.persistence.validation.mode", mode);
        }
        return builder.entities(Coded.class).schema(SchemaAction.CREATE).maximumPoolSize(2).build();
    }

    private static int rows(ShardDatabases shards) throws SQLException {
        int n = 0;
        for (ShardDatabase db : shards) {
            try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from coded")) {
                rs.next();
                n += rs.getInt(1);
            }
        }
        return n;
    }
}
