package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestSettings;
import java.nio.file.Path;
import java.time.Duration;

/** The real {@link TestEnvironment}: system properties, environment variables, this machine. */
final class SystemTestEnvironment implements TestEnvironment {

    static final SystemTestEnvironment INSTANCE = new SystemTestEnvironment();

    private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(15);

    private Availability docker;
    private PostgresBinaries.Lookup binaries;

    private SystemTestEnvironment() {
    }

    @Override
    public String setting(String property, String environmentVariable) {
        return read(property, environmentVariable);
    }

    static String read(String property, String environmentVariable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environmentVariable);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public synchronized Availability docker() {
        if (docker == null) {
            docker = DockerProbe.probe(System.getenv(), Path.of(System.getProperty("user.home")), Path.of("/"), DOCKER_PROBE_TIMEOUT);
        }
        return docker;
    }

    @Override
    public synchronized PostgresBinaries.Lookup binaries() {
        if (binaries == null) {
            binaries = PostgresBinaries.find(
                    setting(PostgresTestSettings.BIN_PROPERTY, PostgresTestSettings.BIN_ENV),
                    System.getenv("PATH"),
                    Path.of("/"));
        }
        return binaries;
    }
}
