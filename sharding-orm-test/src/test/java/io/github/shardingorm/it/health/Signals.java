package io.github.shardingorm.it.health;

import io.github.shardingorm.test.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Freezes a private server as a hung host or a network partition would: SIGSTOP to its postmaster
 * AND every backend (a stopped postmaster alone leaves established connections answering). The
 * postmaster's pid is the first line of {@code postmaster.pid}; the backends are its descendants.
 */
public final class Signals {

    private Signals() {
    }

    public static List<Long> serverPids(PostgresServer server) {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(server.dataDirectory().resolve("postmaster.pid")).get(0).trim());
            List<Long> pids = new ArrayList<>();
            pids.add(postmaster);
            ProcessHandle.of(postmaster).orElseThrow(() -> new IllegalStateException("postmaster " + postmaster + " is not running"))
                    .descendants().forEach(p -> pids.add(p.pid()));
            return pids;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the postmaster pid of " + server.id(), e);
        }
    }

    public static void stop(List<Long> pids) {
        signal("-STOP", pids);
    }

    public static void resume(List<Long> pids) {
        signal("-CONT", pids);
    }

    private static void signal(String signal, List<Long> pids) {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        pids.forEach(p -> command.add(Long.toString(p)));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(command + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(command + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command + " interrupted", e);
        }
    }
}
