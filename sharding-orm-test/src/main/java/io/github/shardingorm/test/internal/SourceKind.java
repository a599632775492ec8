package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestSettings;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where shard databases come from, in the order they are tried. */
enum SourceKind {
    /** An existing server named by {@link PostgresTestSettings#URL_PROPERTY}. */
    SERVER(PostgresTestSettings.SOURCE_SERVER),
    /** A Testcontainers container. */
    DOCKER(PostgresTestSettings.SOURCE_DOCKER),
    /** A private server started from local binaries. */
    BINARIES(PostgresTestSettings.SOURCE_BINARIES);

    private final String settingValue;

    SourceKind(String settingValue) {
        this.settingValue = settingValue;
    }

    String settingValue() {
        return settingValue;
    }

    /** @return the kind for a {@link PostgresTestSettings#SOURCE_PROPERTY} value, or null for "auto" */
    static SourceKind parse(String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT);
        if (normalized.equals("auto")) {
            return null;
        }
        for (SourceKind kind : values()) {
            if (kind.settingValue.equals(normalized)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(PostgresTestSettings.SOURCE_PROPERTY + " / " + PostgresTestSettings.SOURCE_ENV
                + " is '" + value + "'; expected one of " + Arrays.stream(values()).map(SourceKind::settingValue)
                .collect(Collectors.joining(", ")) + " or auto");
    }
}
