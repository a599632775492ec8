package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestException;
import io.github.shardingorm.test.PostgresTestSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs PostgreSQL programs with a deadline. PostgreSQL refuses to run as root, so when the JVM is
 * root every program runs as {@link PostgresTestSettings#OS_USER_PROPERTY} (default {@code postgres})
 * through {@code runuser} (or {@code su}), and directories it writes to are handed to that user.
 */
final class OsCommands {

    /** The exit code and combined stdout/stderr of a finished program. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final String runAs;

    private OsCommands(String runAs) {
        this.runAs = runAs;
    }

    /** @return commands for this JVM: as the PostgreSQL OS user when root, else as the current user */
    static OsCommands forCurrentUser() {
        if (!isRoot()) {
            return new OsCommands(null);
        }
        String user = SystemTestEnvironment.read(PostgresTestSettings.OS_USER_PROPERTY, PostgresTestSettings.OS_USER_ENV);
        return new OsCommands(user == null ? PostgresTestSettings.DEFAULT_OS_USER : user);
    }

    private static boolean isRoot() {
        try {
            return "root".equals(System.getProperty("user.name"))
                    || Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Makes {@code directory} owned by the user programs run as (a no-op unless root). */
    void handOver(Path directory) {
        if (runAs == null) {
            return;
        }
        try {
            UserPrincipal owner = directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(runAs);
            Files.setOwner(directory, owner);
        } catch (IOException e) {
            throw new PostgresTestException("running as root, so PostgreSQL must run as OS user '" + runAs
                    + "', but " + directory + " cannot be given to it (" + e + "). Create that user or set "
                    + PostgresTestSettings.OS_USER_ENV + " to an existing non-root user", e);
        }
    }

    /**
     * Runs a program in {@code workDirectory} and waits for it.
     *
     * @return its result, whatever the exit code
     * @throws PostgresTestException when it cannot be started or does not finish in time (it is then killed)
     */
    Result run(Path workDirectory, Duration timeout, List<String> command) {
        List<String> full = wrap(command);
        Path output = null;
        try {
            output = Files.createTempFile("sharding-orm-cmd-", ".out");
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("PG"));
            env.put("LC_ALL", "C");
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new PostgresTestException("'" + String.join(" ", command) + "' did not finish within "
                        + timeout.toSeconds() + " s and was killed; output:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new PostgresTestException("cannot run '" + String.join(" ", full) + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresTestException("interrupted while running '" + String.join(" ", command) + "'", e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** Like {@link #run} but throws, with the output, unless the program exits with 0. */
    Result runOrThrow(Path workDirectory, Duration timeout, List<String> command, String what) {
        Result result = run(workDirectory, timeout, command);
        if (!result.succeeded()) {
            throw new PostgresTestException(what + " failed: '" + String.join(" ", command) + "' exited with "
                    + result.exitCode() + ":\n" + result.output());
        }
        return result;
    }

    private List<String> wrap(List<String> command) {
        if (runAs == null) {
            return command;
        }
        if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
            List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", runAs, "--"));
            wrapped.addAll(command);
            return wrapped;
        }
        String shellCommand = command.stream().map(OsCommands::shellQuote).collect(Collectors.joining(" "));
        return List.of("su", runAs, "-s", "/bin/sh", "-c", shellCommand);
    }

    private static String shellQuote(String argument) {
        return "'" + argument.replace("'", "'\\''") + "'";
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
