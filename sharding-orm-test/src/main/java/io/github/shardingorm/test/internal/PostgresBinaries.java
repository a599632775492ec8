package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestSettings;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory with the PostgreSQL server programs ({@code initdb}, {@code pg_ctl}, {@code postgres}).
 *
 * <p>Searched in this order: the {@link PostgresTestSettings#BIN_PROPERTY} setting, {@code PATH}
 * (symbolic links followed, so {@code /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb}
 * yields the real directory that also holds {@code pg_basebackup}), then the usual install
 * locations, newest major version first.
 *
 * @param directory the directory holding the programs; never null
 */
public record PostgresBinaries(Path directory) {

    private static final List<String> REQUIRED = List.of("initdb", "pg_ctl", "postgres");
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

    /**
     * The outcome of a search.
     *
     * @param found the binaries; null when none were found
     * @param detail where they were found, or everything that was searched; never null
     */
    public record Lookup(PostgresBinaries found, String detail) {
        public boolean available() {
            return found != null;
        }
    }

    /** @return the path of a program in this directory, such as {@code "pg_basebackup"} */
    Path program(String name) {
        return directory.resolve(name);
    }

    /**
     * @param explicit the configured directory; null when not configured
     * @param pathVariable the value of {@code PATH}; may be null
     * @param root the file system root the usual install locations are resolved against (a temp dir in tests)
     */
    static Lookup find(String explicit, String pathVariable, Path root) {
        if (explicit != null) {
            Path dir = Path.of(explicit);
            return isComplete(dir)
                    ? new Lookup(new PostgresBinaries(realDirectory(dir)), "binaries in " + dir + " (" + PostgresTestSettings.BIN_PROPERTY + ")")
                    : new Lookup(null, PostgresTestSettings.BIN_PROPERTY + "=" + dir + " does not contain " + String.join(", ", REQUIRED));
        }
        Set<Path> candidates = new LinkedHashSet<>();
        if (pathVariable != null) {
            for (String entry : pathVariable.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    candidates.add(Path.of(entry));
                }
            }
        }
        candidates.addAll(versionedDirectories(root.resolve("usr/lib/postgresql"), "", "bin"));
        candidates.addAll(versionedDirectories(root.resolve("usr"), "pgsql-", "bin"));
        candidates.addAll(versionedDirectories(root.resolve("opt/homebrew/opt"), "postgresql@", "bin"));
        candidates.addAll(versionedDirectories(root.resolve("usr/local/opt"), "postgresql@", "bin"));
        candidates.add(root.resolve("usr/local/pgsql/bin"));
        for (Path dir : candidates) {
            if (isComplete(dir)) {
                Path real = realDirectory(dir);
                return new Lookup(new PostgresBinaries(real), "binaries in " + real);
            }
        }
        return new Lookup(null, "no directory with " + String.join(", ", REQUIRED) + " on PATH or under "
                + root.resolve("usr/lib/postgresql") + "/<version>/bin, " + root.resolve("usr") + "/pgsql-<version>/bin, "
                + root.resolve("opt/homebrew/opt") + "/postgresql@<version>/bin, " + root.resolve("usr/local/pgsql/bin"));
    }

    private static boolean isComplete(Path dir) {
        return REQUIRED.stream().allMatch(name -> Files.isExecutable(dir.resolve(name)) && !Files.isDirectory(dir.resolve(name)));
    }

    /** The directory {@code initdb} really lives in, following a symbolic link from {@code PATH}. */
    private static Path realDirectory(Path dir) {
        try {
            Path real = dir.resolve("initdb").toRealPath().getParent();
            return isComplete(real) ? real : dir;
        } catch (IOException e) {
            return dir;
        }
    }

    /** {@code parent/<prefix><version>/<sub>}, newest version first. */
    private static List<Path> versionedDirectories(Path parent, String prefix, String sub) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(parent)) {
            children.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(p -> VERSION.matcher(p.getFileName().toString().substring(prefix.length())).matches())
                    .forEach(p -> found.add(p));
        } catch (IOException e) {
            return List.of();
        }
        found.sort(Comparator.comparing((Path p) -> versionKey(p.getFileName().toString().substring(prefix.length()))).reversed());
        return found.stream().map(p -> p.resolve(sub)).toList();
    }

    private static Long versionKey(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            return 0L;
        }
        long major = Long.parseLong(m.group(1));
        long minor = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        return major * 1000 + minor;
    }
}
