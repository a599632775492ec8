package io.github.shardingorm.internal.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The query packages form a one-way pipeline, checked on the sources: {@code value} (literals,
 * parameters, SQL value semantics) is the ground floor, then {@code plan} (analysis into a
 * {@code QueryPlan}) → {@code statement} (what one shard is asked) → {@code exec} (choosing the
 * shards, scatter-gather) → {@code merge}; {@code internal.query} itself is the door that composes
 * them. A stage may use the stages before it, never one after it, nor the door: the plan never
 * calls into a run, a run never re-enters the analysis.
 */
class QueryStagesTest {

    private static final String QUERY = "io.github.shardingorm.internal.query";
    private static final List<String> STAGES = List.of("value", "plan", "statement", "exec", "merge");
    private static final Path SOURCES = Path.of("src/main/java", QUERY.replace('.', '/'));

    /** A reference to a query package: an import, a static import or a fully qualified name. */
    private static final Pattern REFERENCE = Pattern.compile(Pattern.quote(QUERY) + "(\\.[a-z]\\w*)?\\.([A-Z]\\w*)");

    @Test
    void eachStageUsesOnlyTheStagesBeforeIt() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run from the sharding-orm module: " + SOURCES.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < STAGES.size(); i++) {
            Path dir = SOURCES.resolve(STAGES.get(i));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    violations.addAll(violations(STAGES.get(i), SOURCES.relativize(file).toString(), Files.readString(file)));
                }
            }
        }
        assertEquals(List.of(), violations, "a query stage uses a later stage or the door " + STAGES);
    }

    @Test
    void everyQueryPackageIsAStageOrTheDoor() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> entries = Files.list(SOURCES)) {
            entries.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
        }
        packages.removeAll(STAGES);
        assertEquals(Set.of(), packages, "a new query package must take its place in STAGES");
    }

    @Test
    void theCheckSeesImportsQualifiedNamesAndTheDoor() {
        String source = """
                package io.github.shardingorm.internal.query.plan;
                import io.github.shardingorm.internal.query.value.ValueRef;
                import io.github.shardingorm.internal.query.merge.MergedRows;
                import static io.github.shardingorm.internal.query.exec.ScatterGather.run;
                class X {
                    io.github.shardingorm.internal.query.ShardedQueries door;
                    io.github.shardingorm.internal.query.statement.ShardStatement later;
                }
                """;
        assertEquals(List.of("plan/X.java uses merge (MergedRows)", "plan/X.java uses exec (ScatterGather)",
                "plan/X.java uses the door (ShardedQueries)", "plan/X.java uses statement (ShardStatement)"),
                violations("plan", "plan/X.java", source));
        assertEquals(List.of(), violations("merge", "merge/Y.java", source.replace("ShardedQueries door;", "")
                .replace("package io.github.shardingorm.internal.query.plan;", "")));
    }

    private static List<String> violations(String stage, String file, String source) {
        int rank = STAGES.indexOf(stage);
        List<String> out = new ArrayList<>();
        Matcher m = REFERENCE.matcher(source);
        while (m.find()) {
            if (m.group(1) == null) {
                out.add(file + " uses the door (" + m.group(2) + ")");
                continue;
            }
            String used = m.group(1).substring(1);
            int usedRank = STAGES.indexOf(used);
            if (usedRank < 0 || usedRank > rank) {
                out.add(file + " uses " + used + " (" + m.group(2) + ")");
            }
        }
        return out;
    }
}
