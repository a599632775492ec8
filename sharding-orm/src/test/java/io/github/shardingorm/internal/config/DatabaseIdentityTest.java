package io.github.shardingorm.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatabaseIdentityTest {

    private static boolean same(String a, String b) {
        return DatabaseIdentity.of(a).sameAs(DatabaseIdentity.of(b));
    }

    @Test
    void localhostAnd127001AreTheSameHostAndParametersAreIgnored() {
        assertTrue(same("jdbc:postgresql://localhost:5432/app", "jdbc:postgresql://127.0.0.1/app"));
        assertTrue(same("jdbc:postgresql://127.0.0.1:5432/app", "jdbc:postgresql://127.0.0.1:5432/app?"));
        assertTrue(same("jdbc:postgresql://127.0.0.1:5432/app?sslmode=disable", "jdbc:postgresql://127.0.0.1:5432/app?ApplicationName=x"));
    }

    @Test
    void anotherDatabasePortOrHostIsAnotherDatabase() {
        assertFalse(same("jdbc:postgresql://127.0.0.1:5432/app", "jdbc:postgresql://127.0.0.1:5432/app2"));
        assertFalse(same("jdbc:postgresql://127.0.0.1:5432/app", "jdbc:postgresql://127.0.0.1:5433/app"));
        assertFalse(same("jdbc:postgresql://127.0.0.1:5432/app", "jdbc:postgresql://127.0.0.2:5432/app"));
    }

    @Test
    void validatorNamesBothShards() {
        ShardingConfiguration c = ShardingConfiguration.builder()
                .shard("s0", "jdbc:postgresql://localhost:5432/app", null, null)
                .shard("s1", "jdbc:postgresql://127.0.0.1:5432/app?", null, null)
                .entity(Object.class).build();
        List<String> problems = ConfigurationValidator.validate(c);
        assertEquals(1, problems.stream().filter(p -> p.contains("shard 's1'") && p.contains("same database as shard 's0'")).count(),
                problems::toString);
    }
}
