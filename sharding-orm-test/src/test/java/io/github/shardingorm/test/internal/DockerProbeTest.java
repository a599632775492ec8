package io.github.shardingorm.test.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerProbeTest {

    @TempDir
    Path home;

    @Test
    void dockerHostIsASignOfAnEngine() {
        assertEquals("DOCKER_HOST=tcp://127.0.0.1:2375", DockerProbe.hint(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), home, home));
    }

    @Test
    void aSocketInTheRuntimeDirectoryIsASignOfAnEngine() throws Exception {
        Files.createFile(home.resolve("docker.sock"));

        assertEquals(home.resolve("docker.sock").toString(), DockerProbe.hint(Map.of("XDG_RUNTIME_DIR", home.toString()), home, home));
    }

    @Test
    void aSocketUnderTheSystemRunDirectoryIsASignOfAnEngine() throws Exception {
        Path root = home.resolve("root");
        Files.createDirectories(root.resolve("var/run"));
        Files.createFile(root.resolve("var/run/docker.sock"));

        assertEquals(root.resolve("var/run/docker.sock").toString(), DockerProbe.hint(Map.of(), home, root));
    }

    @Test
    void withoutAnySignTestcontainersIsNotAsked() {
        // The machine's own /var/run/docker.sock does not count: the root is an empty directory.
        Availability availability = DockerProbe.probe(Map.of(), home, home, Duration.ofSeconds(15));

        assertFalse(availability.available());
        SourceResolverTest.assertContains(availability.detail(), "DOCKER_HOST is not set");
        // Only the no-sign path answers "no Docker engine"; asking Testcontainers gives "not reachable"/"not usable".
        SourceResolverTest.assertContains(availability.detail(), "no Docker engine");
    }
}
