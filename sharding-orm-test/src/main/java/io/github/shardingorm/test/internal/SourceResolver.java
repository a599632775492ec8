package io.github.shardingorm.test.internal;

import static io.github.shardingorm.test.PostgresTestSettings.BIN_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.DEFAULT_IMAGE;
import static io.github.shardingorm.test.PostgresTestSettings.IMAGE_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.SOURCE_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.SOURCE_PROPERTY;
import static io.github.shardingorm.test.PostgresTestSettings.URL_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.URL_PROPERTY;

import io.github.shardingorm.test.PostgresTestException;

/**
 * Chooses where shard databases come from: the forced source if one is set, else the first
 * available of an existing server, Docker, local binaries. Pure decision logic over a
 * {@link TestEnvironment}; starting the source is {@link SharedShardServer}'s job.
 */
final class SourceResolver {

    static final String HOW_TO_FIX = "Provide PostgreSQL in one of these ways:\n"
            + "  - point at a running server: set " + URL_ENV + "=jdbc:postgresql://127.0.0.1:5432/postgres"
            + " (or -D" + URL_PROPERTY + "=...), with SHARDING_ORM_TEST_PG_USER / SHARDING_ORM_TEST_PG_PASSWORD if needed"
            + " (default user postgres, empty password; the user needs CREATEDB);\n"
            + "  - start a Docker engine, and Testcontainers runs " + DEFAULT_IMAGE + " (image: " + IMAGE_ENV + ");\n"
            + "  - install the PostgreSQL server binaries (Debian/Ubuntu: apt-get install postgresql; Fedora: dnf install"
            + " postgresql-server; macOS: brew install postgresql@15), or set " + BIN_ENV
            + " to the directory holding initdb, pg_ctl and postgres.";

    private SourceResolver() {
    }

    /**
     * @return the source to use; never null
     * @throws PostgresTestException when the forced source is unavailable or no source is available
     */
    static SourceKind resolve(TestEnvironment env) {
        String forcedSetting = env.setting(SOURCE_PROPERTY, SOURCE_ENV);
        SourceKind forced;
        try {
            forced = forcedSetting == null ? null : SourceKind.parse(forcedSetting);
        } catch (IllegalArgumentException e) {
            throw new PostgresTestException(e.getMessage(), e);
        }
        if (forced != null) {
            Availability availability = availability(forced, env);
            if (!availability.available()) {
                throw new PostgresTestException("No PostgreSQL for sharding-orm tests: " + SOURCE_PROPERTY + "="
                        + forced.settingValue() + " is forced, but " + availability.detail() + ".\n" + HOW_TO_FIX);
            }
            return forced;
        }
        StringBuilder tried = new StringBuilder();
        for (SourceKind kind : SourceKind.values()) {
            Availability availability = availability(kind, env);
            if (availability.available()) {
                return kind;
            }
            tried.append("  ").append(kind.ordinal() + 1).append(". ").append(kind.settingValue()).append(": ")
                    .append(availability.detail()).append('\n');
        }
        throw new PostgresTestException("No PostgreSQL for sharding-orm tests. Tried, in order:\n" + tried + HOW_TO_FIX);
    }

    private static Availability availability(SourceKind kind, TestEnvironment env) {
        switch (kind) {
            case SERVER:
                return env.setting(URL_PROPERTY, URL_ENV) != null
                        ? Availability.yes("existing server")
                        : Availability.no("neither " + URL_ENV + " nor -D" + URL_PROPERTY + " is set");
            case DOCKER:
                return env.docker();
            case BINARIES:
                PostgresBinaries.Lookup lookup = env.binaries();
                return new Availability(lookup.available(), lookup.detail());
            default:
                throw new IllegalStateException("unknown source " + kind);
        }
    }
}
