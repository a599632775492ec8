package io.github.shardingorm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The sample is our first user: it may only use sharding-orm's API and SPI, never its internals. */
class SamplesUseOnlyPublicApiTest {

    @Test
    void noSampleSourceImportsAnInternalPackage() throws IOException {
        Path sources = Path.of("src/main/java");
        assertTrue(Files.isDirectory(sources), "run from the samples module: " + sources.toAbsolutePath());
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream()
                            .filter(line -> line.contains("io.github.shardingorm.internal") || line.contains("io.github.shardingorm.test.internal"))
                            .map(line -> f + ": " + line.trim());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
        assertEquals(List.of(), offenders);
    }
}
