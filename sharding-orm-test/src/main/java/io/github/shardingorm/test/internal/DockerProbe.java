package io.github.shardingorm.test.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Decides quickly whether a Docker engine is reachable. Testcontainers is asked only when there is
 * a sign of an engine (a {@code DOCKER_HOST}, a socket file, a Testcontainers configuration), and
 * then with a deadline, so that a machine without Docker never waits.
 */
final class DockerProbe {

    private DockerProbe() {
    }

    /**
     * @param root the file system root under which {@code var/run/docker.sock} is looked for
     *             ({@code /} in production; a temporary directory in tests)
     */
    static Availability probe(Map<String, String> env, Path home, Path root, Duration timeout) {
        String hint = hint(env, home, root);
        if (hint == null) {
            return Availability.no("no Docker engine: DOCKER_HOST is not set and there is no /var/run/docker.sock, "
                    + "~/.docker/run/docker.sock or ~/.testcontainers.properties");
        }
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                answer.complete(org.testcontainers.DockerClientFactory.instance().isDockerAvailable());
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        }, "sharding-orm-docker-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? Availability.yes("Docker engine reachable (" + hint + ")")
                    : Availability.no("Docker engine not reachable (" + hint + ")");
        } catch (TimeoutException e) {
            return Availability.no("Docker engine did not answer within " + timeout.toSeconds() + " s (" + hint + ")");
        } catch (ExecutionException e) {
            return Availability.no("Docker engine not usable (" + hint + "): " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Availability.no("interrupted while probing Docker (" + hint + ")");
        }
    }

    /** @return what suggests an engine exists, or null when nothing does */
    static String hint(Map<String, String> env, Path home, Path root) {
        if (env.get("DOCKER_HOST") != null && !env.get("DOCKER_HOST").isBlank()) {
            return "DOCKER_HOST=" + env.get("DOCKER_HOST");
        }
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        for (Path socket : new Path[] {
                root.resolve("var/run/docker.sock"),
                home.resolve(".docker/run/docker.sock"),
                home.resolve(".docker/desktop/docker.sock"),
                home.resolve(".rd/docker.sock"),
                runtimeDir == null ? null : Path.of(runtimeDir, "docker.sock")}) {
            if (socket != null && Files.exists(socket)) {
                return socket.toString();
            }
        }
        Path properties = home.resolve(".testcontainers.properties");
        try {
            if (Files.isReadable(properties) && (Files.readString(properties).contains("docker.host") || Files.readString(properties).contains("tc.host"))) {
                return properties.toString();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
