package io.github.shardingorm.it.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A shard that goes down fails fast with {@link ShardUnavailableException} naming it (within the
 * connection timeout, not HikariCP's 30 s default), other shards keep working, and the shard
 * serves again once it is back. A shard that is down at start-up fails start-up, named.
 */
@PostgresServers(count = 2)
class ShardAvailabilityIT {

    private static final String PASSWORD = "pw-never-printed";

    @Test
    void aStoppedShardFailsFastNamedAndRecovers(PostgresServerGroup servers) {
        PostgresServer s0 = servers.get(0);
        PostgresServer s1 = servers.get(1);
        s0.createDatabase("app_avail");
        s1.createDatabase("app_avail");
        try (ShardedPersistence orm = ShardedPersistence.builder()
                .shard("s0", s0.jdbcUrl("app_avail"), s0.username(), PASSWORD)
                .shard("s1", s1.jdbcUrl("app_avail"), s1.username(), PASSWORD)
                .entities(User.class).schema(SchemaAction.CREATE)
                .connectionTimeout(Duration.ofMillis(1000)).maximumPoolSize(2)
                .build()) {
            ShardedRepository<User, Long> users = orm.repository(User.class);
            long onS1 = firstKeyOn(orm, "s1");
            long onS0 = firstKeyOn(orm, "s0");
            long anotherOnS1 = onS1 + 1;
            while (!orm.shardOf(anotherOnS1).equals("s1")) {
                anotherOnS1++;
            }
            final long during = anotherOnS1;
            users.save(new User(onS1, "before"));

            s1.kill();
            long start = System.nanoTime();
            ShardUnavailableException e = assertThrows(ShardUnavailableException.class, () -> users.save(new User(during, "during")));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("s1", e.getShardId());
            assertTrue(e.getMessage().contains("s1"), e.getMessage());
            assertTrue(!e.getMessage().contains(PASSWORD), "password leaked: " + e.getMessage());
            assertTrue(elapsedMillis < 15_000, "should fail within the connection timeout plus a margin, took " + elapsedMillis + " ms");
            assertTrue(hasSqlCause(e), "the driver's exception stays the cause");

            users.save(new User(onS0, "other shard still works"));
            assertEquals("other shard still works", users.findById(onS0).orElseThrow().getName());

            s1.start();
            User back = awaitFind(users, onS1);
            assertEquals("before", back.getName());
        }
    }

    @Test
    void startUpWithAnUnreachableShardFailsNamingIt(PostgresServerGroup servers) {
        PostgresServer s0 = servers.get(0);
        s0.createDatabase("app_boot");
        String deadUrl = "jdbc:postgresql://127.0.0.1:1/nowhere?password=" + PASSWORD;
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, () -> ShardedPersistence.builder()
                .shard("s0", s0.jdbcUrl("app_boot"), s0.username(), PASSWORD)
                .shard("dead", deadUrl, "postgres", PASSWORD)
                .entities(User.class).connectionTimeout(Duration.ofMillis(500))
                .build());
        assertEquals(1, e.getProblems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("'dead'") && e.getMessage().contains("unreachable"), e.getMessage());
        assertTrue(!e.getMessage().contains(PASSWORD), "password leaked: " + e.getMessage());
        assertInstanceOf(SQLException.class, e.getCause());
    }

    private static long firstKeyOn(ShardedPersistence orm, String shard) {
        long key = 1;
        while (!orm.shardOf(key).equals(shard)) {
            key++;
        }
        return key;
    }

    private static boolean hasSqlCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private static User awaitFind(ShardedRepository<User, Long> users, long id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return users.findById(id).orElseThrow();
            } catch (jakarta.persistence.PersistenceException e) {
                // while the server restarts, a pooled connection may break in any statement
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
