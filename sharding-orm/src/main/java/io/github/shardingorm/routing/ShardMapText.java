package io.github.shardingorm.routing;

import java.util.Objects;

/**
 * The stored text form of a {@link ShardMap}:
 * <pre>
 * version=3
 * buckets=4096
 * 0-1023=s0
 * 1024-4095=s1
 * </pre>
 * One range per line, sorted; blank lines and {@code #} comments are ignored when reading.
 */
final class ShardMapText {

    private ShardMapText() {
    }

    static String format(ShardMap map) {
        StringBuilder text = new StringBuilder(32 + 16 * map.ranges().size());
        text.append("version=").append(map.version()).append('\n');
        text.append("buckets=").append(map.bucketCount()).append('\n');
        for (BucketRange range : map.ranges()) {
            text.append(range.from()).append('-').append(range.toInclusive()).append('=').append(range.shard()).append('\n');
        }
        return text.toString();
    }

    static ShardMap parse(String text) {
        Objects.requireNonNull(text, "text");
        Long version = null;
        ShardMap.Builder builder = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw error(lineNumber, line, "expected 'version=<n>', 'buckets=<n>' or '<from>-<to>=<shard>'");
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            try {
                if (name.equals("version")) {
                    if (version != null || builder != null) {
                        throw error(lineNumber, line, "'version' must appear once, before 'buckets' and the ranges");
                    }
                    version = parseLong(value, "version");
                } else if (name.equals("buckets")) {
                    if (version == null || builder != null) {
                        throw error(lineNumber, line, "'buckets' must appear once, after 'version' and before the ranges");
                    }
                    builder = ShardMap.builder(parseInt(value, "bucket count")).version(version);
                } else {
                    if (builder == null) {
                        throw error(lineNumber, line, "'version' and 'buckets' must come before the first range");
                    }
                    int dash = name.indexOf('-');
                    if (dash < 0) {
                        throw error(lineNumber, line, "expected '<from>-<to>=<shard>'");
                    }
                    builder.assign(parseInt(name.substring(0, dash).strip(), "range start"),
                            parseInt(name.substring(dash + 1).strip(), "range end"), value);
                }
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("Shard map text, line ")) {
                    throw e;
                }
                throw error(lineNumber, line, e.getMessage());
            }
        }
        if (builder == null) {
            throw new IllegalArgumentException("Shard map text has no " + (version == null ? "'version' line" : "'buckets' line"));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Shard map text: " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException error(int lineNumber, String line, String problem) {
        return new IllegalArgumentException("Shard map text, line " + lineNumber + " '" + line + "': " + problem);
    }

    private static long parseLong(String value, String what) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a number");
        }
    }

    private static int parseInt(String value, String what) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a number");
        }
    }
}
