package io.github.shardingorm.test.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.test.PostgresTestException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SourceResolverTest {

    /** A machine where everything is configurable. */
    private static final class FakeEnvironment implements TestEnvironment {
        final Map<String, String> settings = new HashMap<>();
        Availability docker = Availability.no("no Docker engine: DOCKER_HOST is not set");
        PostgresBinaries.Lookup binaries = new PostgresBinaries.Lookup(null, "no directory with initdb, pg_ctl, postgres on PATH");

        FakeEnvironment with(String environmentVariable, String value) {
            settings.put(environmentVariable, value);
            return this;
        }

        FakeEnvironment withDocker() {
            docker = Availability.yes("Docker engine reachable");
            return this;
        }

        FakeEnvironment withBinaries() {
            binaries = new PostgresBinaries.Lookup(new PostgresBinaries(Path.of("/usr/lib/postgresql/15/bin")), "binaries");
            return this;
        }

        @Override
        public String setting(String property, String environmentVariable) {
            return settings.get(environmentVariable);
        }

        @Override
        public Availability docker() {
            return docker;
        }

        @Override
        public PostgresBinaries.Lookup binaries() {
            return binaries;
        }
    }

    @Test
    void failsNamingAllThreeFixesWhenNothingIsAvailable() {
        PostgresTestException e = failure(() -> SourceResolver.resolve(new FakeEnvironment()));

        assertContains(e.getMessage(),
                "Tried, in order",
                "1. server: neither SHARDING_ORM_TEST_PG_URL",
                "2. docker: no Docker engine",
                "3. binaries: no directory with initdb",
                "set SHARDING_ORM_TEST_PG_URL=jdbc:postgresql://127.0.0.1:5432/postgres",
                "start a Docker engine",
                "install the PostgreSQL server binaries");
    }

    @Test
    void existingServerWinsWhenUrlIsSet() {
        FakeEnvironment env = new FakeEnvironment().withDocker().withBinaries()
                .with("SHARDING_ORM_TEST_PG_URL", "jdbc:postgresql://db:5432/postgres");

        assertEquals(SourceKind.SERVER, SourceResolver.resolve(env));
    }

    @Test
    void dockerComesBeforeBinaries() {
        assertEquals(SourceKind.DOCKER, SourceResolver.resolve(new FakeEnvironment().withDocker().withBinaries()));
    }

    @Test
    void binariesAreUsedWithoutServerAndDocker() {
        assertEquals(SourceKind.BINARIES, SourceResolver.resolve(new FakeEnvironment().withBinaries()));
    }

    @Test
    void forcedSourceWinsOverEarlierOnes() {
        FakeEnvironment env = new FakeEnvironment().withDocker().withBinaries()
                .with("SHARDING_ORM_TEST_PG_URL", "jdbc:postgresql://db:5432/postgres")
                .with("SHARDING_ORM_TEST_PG_SOURCE", "binaries");

        assertEquals(SourceKind.BINARIES, SourceResolver.resolve(env));
    }

    @Test
    void forcedSourceThatIsUnavailableFailsWithoutFallingBack() {
        FakeEnvironment env = new FakeEnvironment().withBinaries().with("SHARDING_ORM_TEST_PG_SOURCE", "Docker");

        assertContains(failure(() -> SourceResolver.resolve(env)).getMessage(),
                "shardingorm.test.pg.source=docker is forced, but no Docker engine");
    }

    @Test
    void autoSourceMeansTheUsualOrder() {
        FakeEnvironment env = new FakeEnvironment().withBinaries().with("SHARDING_ORM_TEST_PG_SOURCE", "auto");

        assertEquals(SourceKind.BINARIES, SourceResolver.resolve(env));
    }

    @Test
    void unknownForcedSourceIsRejectedListingTheValidOnes() {
        FakeEnvironment env = new FakeEnvironment().withBinaries().with("SHARDING_ORM_TEST_PG_SOURCE", "h2");

        assertContains(failure(() -> SourceResolver.resolve(env)).getMessage(), "'h2'", "server, docker, binaries or auto");
    }

    private static PostgresTestException failure(Executable executable) {
        return assertThrows(PostgresTestException.class, executable);
    }

    static void assertContains(String actual, String... expected) {
        for (String part : expected) {
            assertTrue(actual.contains(part), () -> "expected to contain <" + part + "> but was:\n" + actual);
        }
    }
}
