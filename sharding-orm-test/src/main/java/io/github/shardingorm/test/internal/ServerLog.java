package io.github.shardingorm.test.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The log file of a private server ({@code pg_ctl -l}), read for error messages. Reading never
 * fails: a missing or unreadable log yields a short explanation instead.
 *
 * @param file the log file; need not exist
 */
record ServerLog(Path file) {

    private static final int TAIL_LINES = 40;

    /** @return the last lines of the log, or why there are none */
    String tail() {
        try {
            if (!Files.exists(file)) {
                return "(no log file)";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log not readable: " + e + ")";
        }
    }

    /** @return the current length, to read what is written after it with {@link #since(long)} */
    long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** @return what was written after {@code offset} */
    String since(long offset) {
        try {
            byte[] bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            int from = (int) Math.min(offset, bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
