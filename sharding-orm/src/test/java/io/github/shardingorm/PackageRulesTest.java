package io.github.shardingorm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The house rules: which package of the library may use which. Checked on the main sources: a
 * use is an import (static and wildcard included) or a fully qualified name in code; comments and
 * string literals are not code. {@link ApiDoesNotLeakInternalsTest} checks the other direction
 * (no internal type in a public signature).
 *
 * <p>The internal packages form floors; a package uses only those listed for it below (and the
 * API, SPI, the JDK and its libraries). A sub-package counts as its parent ({@code internal.query.plan}
 * is {@code query}). A new package gets a line here, with the floors it stands on.
 */
class PackageRulesTest {

    private static final String ROOT = "io.github.shardingorm";
    private static final String INTERNAL = ROOT + ".internal.";

    /** Internal package &rarr; the internal packages it may use. */
    private static final Map<String, Set<String>> FLOORS = floors(
            "config",     "",                                      // ground floor: the validated configuration and every default
            "stats",      "",                                      // statistics and the events seam: no Hibernate, no JDBC, no Micrometer
            "routing",    "config stats",                          // the router and the strategies: no Hibernate, no JDBC
            "health",     "config",                                // breakers, probes, lag samples of every database: no pools, no Hibernate
            "jdbc",       "config health",                         // pools, replica choice and plain JDBC on one shard: no Hibernate
            "hibernate",  "config routing jdbc stats health",      // Hibernate wiring: connection provider, guards, sessions
            "id",         "config routing",                        // the @ShardedId generator (Hibernate instantiates it)
            "query",      "config routing jdbc hibernate stats",   // queries across shards
            "cache",      "config routing jdbc hibernate",         // second-level cache, cache-aside, invalidation (issue 16)
            "repository", "config routing hibernate query cache",  // keyed CRUD
            "saga",       "config jdbc hibernate stats",           // sagas: three peers of cross-shard writes ...
            "twophase",   "config routing jdbc hibernate stats",   // ... two-phase commit ...
            "reference",  "config routing hibernate",              // ... and reference writes, none using another
            "writes",     "config routing jdbc hibernate saga twophase reference stats", // the runtime composing the three
            "topology",   "config routing jdbc id",                // the stored topology: map, bucket states, fence, following
            "resharding", "config topology",                       // the bucket mover: plain JDBC and pgjdbc's COPY and replication, no Hibernate
            "boot",       "config routing jdbc hibernate id query repository writes topology cache stats resharding", // start-up: everything but Micrometer
            "metrics",    "config stats jdbc boot cache resharding"); // the Micrometer binding (caches' counters, resharding progress): the only floor that knows Micrometer

    /** Hibernate is wired in one place; these packages must not know it. */
    private static final Set<String> WITHOUT_HIBERNATE = Set.of("config", "routing", "jdbc", "health", "resharding");

    /**
     * The API reaches internals through one door: the builder hands the configuration
     * ({@code internal.config}) to {@code internal.boot.ShardedPersistenceBootstrap}. Two more uses are
     * forced and documented: {@code @ShardedId} names its generator ({@code @IdGeneratorType}, as
     * Hibernate's {@code @UuidGenerator} does), and the strategy factories of {@code .routing} build
     * the internal strategies.
     */
    private static final List<String> API_DOORS = List.of(
            INTERNAL + "config.",
            INTERNAL + "boot.ShardedPersistenceBootstrap",
            INTERNAL + "id.ShardAwareIdGenerator",
            INTERNAL + "routing.BucketedHashStrategy",
            INTERNAL + "routing.DirectoryShardingStrategy",
            INTERNAL + "routing.RangeShardingStrategy",
            INTERNAL + "routing.ShardRange",
            INTERNAL + "routing.NormalizedKeys",
            INTERNAL + "metrics.MicrometerBinding");

    private static final Path MAIN = Path.of("src/main/java");

    @Test
    void everyInternalPackageHasAFloor() {
        Set<String> unknown = new TreeSet<>();
        for (Source source : sources()) {
            String floor = floorOf(source.packageName());
            if (floor != null && !FLOORS.containsKey(floor)) {
                unknown.add(floor + " (" + source.path() + ")");
            }
        }
        assertEquals(Set.of(), unknown, "internal packages without a line in FLOORS: add one, with the floors they stand on");
    }

    @Test
    void internalPackagesUseOnlyTheFloorsBelowThem() {
        List<String> violations = new ArrayList<>();
        for (Source source : sources()) {
            String floor = floorOf(source.packageName());
            Set<String> allowed = FLOORS.get(floor);
            if (allowed == null) {
                continue;
            }
            for (String used : source.uses()) {
                String usedFloor = floorOf(packageOf(used));
                if (usedFloor != null && !usedFloor.equals(floor) && !allowed.contains(usedFloor)) {
                    violations.add(source.path() + " (" + floor + ") uses " + used);
                }
            }
        }
        assertEquals(List.of(), violations, "a package uses a floor it must not (see FLOORS)");
    }

    @Test
    void routingJdbcAndConfigurationKnowNoHibernate() {
        List<String> violations = new ArrayList<>();
        for (Source source : sources()) {
            String floor = floorOf(source.packageName());
            if (floor != null && WITHOUT_HIBERNATE.contains(floor)) {
                for (String used : source.uses()) {
                    if (used.startsWith("org.hibernate.") && !used.startsWith("org.hibernate.validator.")
                            || used.startsWith(INTERNAL + "hibernate.")) {
                        violations.add(source.path() + " uses " + used);
                    }
                }
            }
        }
        assertEquals(List.of(), violations, "Hibernate used where it must not be");
    }

    @Test
    void twoPhaseCommitSagasAndReferenceWritesDoNotUseEachOther() {
        Set<String> peers = Set.of("saga", "twophase", "reference");
        List<String> violations = new ArrayList<>();
        for (Source source : sources()) {
            String floor = floorOf(source.packageName());
            if (floor != null && peers.contains(floor)) {
                for (String used : source.uses()) {
                    String usedFloor = floorOf(packageOf(used));
                    if (usedFloor != null && !usedFloor.equals(floor) && (peers.contains(usedFloor) || usedFloor.equals("writes"))) {
                        violations.add(source.path() + " uses " + used);
                    }
                }
            }
        }
        assertEquals(List.of(), violations, "the three cross-shard write packages are peers; internal.writes composes them");
    }

    @Test
    void theApiUsesInternalsOnlyThroughTheStartUpDoor() {
        List<String> violations = new ArrayList<>();
        for (Source source : sources()) {
            if (source.packageName().startsWith(INTERNAL)) {
                continue;
            }
            for (String used : source.uses()) {
                if (used.startsWith(INTERNAL) && API_DOORS.stream().noneMatch(used::startsWith)) {
                    violations.add(source.path() + " uses " + used);
                }
            }
        }
        assertEquals(List.of(), violations, "the API reaches internals only through the start-up door (see API_DOORS)");
    }

    // ------------------------------------------------------------------ the checks check

    @Test
    void uses_findImportsStaticAndWildcardImportsAndQualifiedNames_butNotCommentsOrStrings() {
        String code = """
                package io.github.shardingorm.internal.saga;
                import io.github.shardingorm.internal.twophase.TwoPhaseCommitter;
                import static io.github.shardingorm.internal.jdbc.ConnectionFailures.isConnectionFailure;
                import io.github.shardingorm.internal.reference.*;
                import org.hibernate.Session;
                /** See {@link io.github.shardingorm.internal.boot.Hidden}. */
                class X { // io.github.shardingorm.internal.boot.AlsoHidden
                    Object a = new io.github.shardingorm.internal.query.ShardedQueries();
                    String s = "io.github.shardingorm.internal.boot.InAString";
                    char c = '"'; String t = "\\" io.github.shardingorm.internal.boot.Escaped";
                    /* io.github.shardingorm.internal.boot.Block */ int b;
                }
                """;
        assertEquals(Set.of("io.github.shardingorm.internal.twophase.TwoPhaseCommitter",
                        "io.github.shardingorm.internal.jdbc.ConnectionFailures",
                        "io.github.shardingorm.internal.reference.*",
                        "org.hibernate.Session",
                        "io.github.shardingorm.internal.query.ShardedQueries"),
                uses(code));
        assertEquals("reference", floorOf(packageOf("io.github.shardingorm.internal.reference.*")));
        assertEquals("query", floorOf("io.github.shardingorm.internal.query.plan"));
        assertEquals(null, floorOf("io.github.shardingorm.routing"));
    }

    @Test
    void sources_areFoundAndIncludeEveryFloor() {
        Set<String> floors = new TreeSet<>();
        for (Source source : sources()) {
            String floor = floorOf(source.packageName());
            if (floor != null) {
                floors.add(floor);
            }
        }
        assertTrue(floors.containsAll(List.of("config", "routing", "jdbc", "hibernate", "saga", "twophase", "reference", "writes", "boot")),
                floors::toString);
    }

    // ------------------------------------------------------------------ scanning

    private record Source(Path path, String packageName, Set<String> uses) {
    }

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /** A qualified name: lower-case package parts, then a type (upper case) or {@code *}. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "\\b((?:io\\.github\\.shardingorm|org\\.hibernate)(?:\\.[a-z_][a-z0-9_]*)*)\\.([A-Z]\\w*|\\*)");

    private static List<Source> sources() {
        if (!Files.isDirectory(MAIN)) {
            throw new IllegalStateException("main sources not found at " + MAIN.toAbsolutePath()
                    + ": run this test from the sharding-orm module directory (Maven does)");
        }
        List<Source> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(text);
                if (!pkg.find()) {
                    continue; // package-info without a package clause cannot happen; module-info has none
                }
                sources.add(new Source(MAIN.relativize(file), pkg.group(1), uses(text)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }

    /** The qualified names used in code (outside comments and literals), without the package clause. */
    static Set<String> uses(String source) {
        String code = PACKAGE.matcher(stripCommentsAndLiterals(source)).replaceFirst("");
        Set<String> uses = new LinkedHashSet<>();
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            uses.add(m.group(1) + "." + m.group(2));
        }
        return uses;
    }

    /** The package part of a qualified type name ({@code a.b.C} or {@code a.b.*}). */
    private static String packageOf(String qualified) {
        return qualified.substring(0, qualified.lastIndexOf('.'));
    }

    /** {@code routing} for {@code io.github.shardingorm.internal.routing[.sub]}, null outside internal. */
    static String floorOf(String packageName) {
        if (!packageName.startsWith(INTERNAL)) {
            return null;
        }
        String rest = packageName.substring(INTERNAL.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static String stripCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                i = s.indexOf('\n', i) < 0 ? s.length() : s.indexOf('\n', i);
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
                out.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                while (end > 0 && s.charAt(end - 1) == '\\') {
                    end = s.indexOf("\"\"\"", end + 1);
                }
                i = end < 0 ? s.length() : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static Map<String, Set<String>> floors(String... pairs) {
        Map<String, Set<String>> floors = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            floors.put(pairs[i], pairs[i + 1].isBlank() ? Set.of() : Set.of(pairs[i + 1].split(" ")));
        }
        return floors;
    }
}
