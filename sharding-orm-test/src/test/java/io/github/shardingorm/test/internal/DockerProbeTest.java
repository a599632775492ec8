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
        assertEquals("DOCKER_HOST=tcp://127.0.0.1:2375", DockerProbe.hint(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), home));
    }

    @Test
    void aSocketInTheRuntimeDirectoryIsASignOfAnEngine() throws Exception {
        Files.createFile(home.resolve("docker.sock"));

        assertEquals(home.resolve("docker.sock").toString(), DockerProbe.hint(Map.of("XDG_RUNTIME_DIR", home.toString()), home));
    }

    @Test
    void withoutAnySignTestcontainersIsNotAskedAndTheAnswerIsQuick() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/var/run/docker.sock")), "this machine has a Docker socket");

        long began = System.nanoTime();
        Availability availability = DockerProbe.probe(Map.of(), home, Duration.ofSeconds(15));

        assertFalse(availability.available());
        SourceResolverTest.assertContains(availability.detail(), "DOCKER_HOST is not set");
        org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - began < Duration.ofSeconds(1).toNanos());
    }
}
