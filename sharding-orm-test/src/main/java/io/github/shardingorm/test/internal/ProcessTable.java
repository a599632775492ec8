package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds postmasters of private test servers among this machine's processes ({@code /proc}, else {@code ps}). */
final class ProcessTable {

    private ProcessTable() {
    }

    private static final Pattern OWNER_TAG = Pattern.compile("-j(\\d+)-");

    /**
     * @return {@code "<pid> <command line>"} of every postgres process whose data directory is a test
     *         temp directory and whose owning test JVM (named in the directory, see {@link #ownerTag()})
     *         is no longer running: the servers of another test run still going on are not leftovers
     */
    static List<String> privateServerProcesses() throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : processes()) {
            if (isPrivateServer(line) && !ownerIsAlive(line)) {
                found.add(line);
            }
        }
        return found;
    }

    /** @return the part of a private server's directory name that names the JVM that started it */
    static String ownerTag() {
        return "j" + ProcessHandle.current().pid();
    }

    /** @return true when the command line names (through {@link #ownerTag()}) a JVM that still runs */
    static boolean ownerIsAlive(String line) {
        Matcher m = OWNER_TAG.matcher(line);
        if (!m.find()) {
            return false;
        }
        long owner = Long.parseLong(m.group(1));
        return owner != ProcessHandle.current().pid() && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * @param line {@code "<pid> <command line>"}
     * @return true when the command is {@code postgres}/{@code postmaster} and names a test temp directory
     */
    static boolean isPrivateServer(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 3 || !line.contains(PostgresTestSettings.TEMP_DIRECTORY_PREFIX)) {
            return false;
        }
        String program = Path.of(parts[1]).getFileName().toString();
        return program.equals("postgres") || program.equals("postmaster");
    }

    private static List<String> processes() throws IOException {
        Path proc = Path.of("/proc");
        if (Files.isDirectory(proc.resolve("self"))) {
            List<String> lines = new ArrayList<>();
            try (Stream<Path> entries = Files.list(proc)) {
                for (Path entry : entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                    try {
                        byte[] cmdline = Files.readAllBytes(entry.resolve("cmdline"));
                        if (cmdline.length > 0) {
                            lines.add(entry.getFileName() + " " + new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').trim());
                        }
                    } catch (IOException e) {
                        // the process ended while we looked: not a leftover
                    }
                }
            }
            return lines;
        }
        Process ps = new ProcessBuilder("ps", "-eo", "pid,args").redirectErrorStream(true).start();
        List<String> lines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList();
        try {
            ps.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lines;
    }
}
