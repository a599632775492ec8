package io.github.shardingorm.it.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardScope;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.it.adoption.model.Purchase;
import io.github.shardingorm.it.adoption.model.Shopper;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardPlacement;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A JPA application written without the library's API, on 4 real PostgreSQL shards (issue 13):
 * {@code Persistence.createEntityManagerFactory} over a persistence.xml that names the provider, plain
 * {@code EntityManager} code and JPQL with only the scope added; placement checked by direct SQL. Also
 * the properties form's HikariCP settings reaching the pools, package scanning with a range strategy
 * in text form, the user's own DataSource, and bad input (an unknown strategy class) writing nothing.
 */
@PostgresShards(count = 4)
class AdoptionIT {

    /** The per-run part of persistence.xml: where the shards are. */
    private static Map<String, Object> shardsOf(ShardDatabases shards) {
        Map<String, Object> p = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (ShardDatabase db : shards) {
            ids.add(db.id());
            p.put("sharding.shard." + db.id() + ".url", db.jdbcUrl());
            p.put("sharding.shard." + db.id() + ".username", db.username());
            p.put("sharding.shard." + db.id() + ".password", db.password());
        }
        p.put("sharding.shards", String.join(",", ids));
        return p;
    }

    @Test
    void aPlainJpaApplicationRunsShardedWithOnlyTheScopeAdded(ShardDatabases shards) throws SQLException {
        EntityManagerFactory emf = Persistence.createEntityManagerFactory("adoption", shardsOf(shards));
        try {
            ShardedPersistence orm = emf.unwrap(ShardedPersistence.class);
            assertSame(emf, orm.unwrap(EntityManagerFactory.class), "unwrap works both ways");
            assertInstanceOf(SessionFactory.class, emf);
            List<Long> shoppers = new ArrayList<>();
            for (long id = 1; id <= 40; id++) {
                shoppers.add(id);
                try (ShardScope scope = orm.bind(id)) {           // the one line the application adds
                    EntityManager em = emf.createEntityManager();
                    em.getTransaction().begin();
                    em.persist(new Shopper(id, "shopper " + id));
                    em.persist(new Purchase(id, "book", new BigDecimal("12.50")));
                    em.persist(new Purchase(id, "pen", new BigDecimal("1.20")));
                    em.getTransaction().commit();
                    em.clear();
                    BigDecimal total = em.createQuery("select sum(p.amount) from Purchase p where p.shopperId = :s", BigDecimal.class)
                            .setParameter("s", id).getSingleResult();
                    assertEquals(0, new BigDecimal("13.70").compareTo(total));
                    assertEquals("shopper " + id, em.find(Shopper.class, id).getName());
                    em.close();
                }
            }
            for (long id : shoppers) {
                assertEquals(List.of(orm.shardOf(id)), holders(shards, "select 1 from shoppers where id = ?", id), "shopper " + id);
                assertEquals(List.of(orm.shardOf(id)), holders(shards, "select 1 from purchases where shopper_id = ?", id), "purchases " + id);
            }
            ShardPlacement.check(orm, shards).assertAllPlaced();
            assertEquals(80L, orm.query("select count(p) from Purchase p", Long.class).single().orElseThrow(),
                    "and the fan-out sees all of them");

            // The properties form reached every pool: global HikariCP settings, and one shard's own.
            ShardedPersistenceImpl impl = (ShardedPersistenceImpl) orm;
            assertEquals(600_000L, impl.pools().pool("s0").getMaxLifetime());
            assertEquals(20_000L, impl.pools().pool("s3").getLeakDetectionThreshold());
            assertEquals(120_000L, impl.pools().pool("s1").getKeepaliveTime());
            assertEquals(3, impl.pools().pool("s2").getMaximumPoolSize());
        } finally {
            emf.close();
        }
        assertFalse(emf.isOpen(), "closing the EntityManagerFactory closes the sharded unit");
    }

    @Test
    void packageScanningAndARangeStrategyInTextForm(ShardDatabases shards) throws SQLException {
        EntityManagerFactory emf = Persistence.createEntityManagerFactory("adoption-packages", shardsOf(shards));
        try {
            ShardedPersistence orm = emf.unwrap(ShardedPersistence.class);
            for (long id : new long[] {5, 1500, 2500, 3500}) {
                orm.repository(Shopper.class).save(new Shopper(id, "ranged " + id));
            }
            assertEquals(List.of("s0"), holders(shards, "select 1 from shoppers where id = ?", 5L));
            assertEquals(List.of("s1"), holders(shards, "select 1 from shoppers where id = ?", 1500L));
            assertEquals(List.of("s3"), holders(shards, "select 1 from shoppers where id = ?", 3500L));
        } finally {
            emf.close();
        }
    }

    @Test
    void anUnknownStrategyClassIsRefusedAndNothingIsWritten(ShardDatabases shards) throws SQLException {
        for (ShardDatabase db : shards) {
            try (Connection c = db.connect()) {
                c.createStatement().execute("drop table if exists shoppers cascade");
            }
        }
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> Persistence.createEntityManagerFactory("adoption-bad-strategy", shardsOf(shards)));
        assertTrue(e.getMessage().contains("adoption-bad-strategy") && e.getMessage().contains("com.example.routing.NoSuchStrategy"),
                e.getMessage());
        for (ShardDatabase db : shards) {
            assertEquals(List.of(), holders(shards, "select 1 from information_schema.tables where table_name = ?", "shoppers"),
                    "no table was created on " + db.id());
        }
    }

    @Test
    void aPlainUnitInTheSameFileKeepsItsOwnProvider(ShardDatabases shards) {
        ShardDatabase db = shards.get(0);
        Map<String, Object> p = Map.of("jakarta.persistence.jdbc.url", db.jdbcUrl(), "jakarta.persistence.jdbc.user", db.username(),
                "jakarta.persistence.jdbc.password", db.password());
        EntityManagerFactory plain = Persistence.createEntityManagerFactory("adoption-plain", p);
        try {
            assertThrows(jakarta.persistence.PersistenceException.class, () -> plain.unwrap(ShardedPersistence.class));
            EntityManager em = plain.createEntityManager();
            em.getTransaction().begin();
            em.persist(new Shopper(77L, "plain"));
            em.getTransaction().commit();
            em.close();
        } finally {
            plain.close();
        }
    }

    @Test
    void shardsMayBeTheUsersOwnDataSources(ShardDatabases shards) throws SQLException {
        List<HikariDataSource> userPools = new ArrayList<>();
        ShardedPersistence orm = null;
        try {
            var builder = ShardedPersistence.builder();
            for (ShardDatabase db : shards) {
                if (db.id().equals("s0")) {
                    // A plain, unpooled DataSource whose connections come with auto-commit ON.
                    PGSimpleDataSource simple = new PGSimpleDataSource();
                    simple.setUrl(db.jdbcUrl());
                    simple.setUser(db.username());
                    simple.setPassword(db.password());
                    builder.shard(db.id(), simple);
                } else {
                    HikariConfig hc = new HikariConfig();
                    hc.setJdbcUrl(db.jdbcUrl());
                    hc.setUsername(db.username());
                    hc.setPassword(db.password());
                    hc.setMaximumPoolSize(2);
                    hc.setPoolName("users-own-" + db.id());
                    HikariDataSource pool = new HikariDataSource(hc);
                    userPools.add(pool);
                    builder.shard(db.id(), pool);
                }
            }
            orm = builder.entities(Shopper.class, Purchase.class).schema(SchemaAction.CREATE).build();
            long onS0 = 1;
            while (!orm.shardOf(onS0).equals("s0")) {
                onS0++;
            }
            long key = onS0;
            ShardedPersistence unit = orm;
            assertThrows(IllegalStateException.class, () -> unit.inTransaction(key, s -> {
                s.persist(new Shopper(key, "rolled back"));
                s.flush();
                throw new IllegalStateException("fail after the insert reached the database");
            }));
            assertEquals(List.of(), holders(shards, "select 1 from shoppers where id = ?", key),
                    "a user DataSource with auto-commit on still gets one transaction per unit of work");
            for (long id = 100; id < 140; id++) {
                orm.repository(Shopper.class).save(new Shopper(id, "own pools " + id));
            }
            for (long id = 100; id < 140; id++) {
                assertEquals(List.of(orm.shardOf(id)), holders(shards, "select 1 from shoppers where id = ?", id));
            }
        } finally {
            if (orm != null) {
                orm.close();
            }
        }
        for (HikariDataSource pool : userPools) {
            assertFalse(pool.isClosed(), "sharding-orm never closes a user's pool");
            try (Connection c = pool.getConnection()) {
                assertTrue(c.getAutoCommit(), "connections go back to the user's pool as they came");
            }
            pool.close();
        }
        assertNotNull(shards);
    }

    private static List<String> holders(ShardDatabases shards, String sql, Object arg) throws SQLException {
        List<String> holders = new ArrayList<>();
        for (ShardDatabase db : shards) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        holders.add(db.id());
                    }
                }
            }
        }
        return holders;
    }
}
