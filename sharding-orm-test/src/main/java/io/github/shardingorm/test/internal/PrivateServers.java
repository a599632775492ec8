package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresTestException;
import io.github.shardingorm.test.PostgresTestSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Starts private servers from local binaries, several in parallel. */
public final class PrivateServers {

    /** Connections per server of a {@code @PostgresServers} group. */
    static final int MAX_CONNECTIONS = 60;

    private PrivateServers() {
    }

    /**
     * @throws IllegalArgumentException when {@code count < 1} or a setting is malformed
     * @throws PostgresTestException when there are no binaries or a server does not start
     */
    public static PostgresServerGroup start(int count, List<String> settings) {
        if (count < 1) {
            throw new IllegalArgumentException("server count must be at least 1 but was " + count);
        }
        Map<String, String> parsed = ServerConfiguration.parse(settings);
        PostgresBinaries binaries = requireBinaries();
        OsCommands os = OsCommands.forCurrentUser();
        List<Callable<PgServerProcess>> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "pg" + i;
            starts.add(() -> PgServerProcess.start(id, binaries, os, MAX_CONNECTIONS, parsed));
        }
        ParallelTasks.Outcome<PgServerProcess> outcome = ParallelTasks.runAll("sharding-orm-pg-start", 4, starts);
        if (outcome.failures().isEmpty()) {
            return new PgServerGroup(outcome.succeeded());
        }
        Throwable first = outcome.failures().get(0);
        PostgresTestException failure = first instanceof PostgresTestException pte ? pte
                : new PostgresTestException("a private PostgreSQL server did not start: " + first, first);
        outcome.failures().stream().skip(1).forEach(failure::addSuppressed);
        for (PgServerProcess server : outcome.succeeded()) {
            try {
                server.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    static PostgresBinaries requireBinaries() {
        PostgresBinaries.Lookup lookup = SystemTestEnvironment.INSTANCE.binaries();
        if (!lookup.available()) {
            throw new PostgresTestException("Cannot start private PostgreSQL servers: " + lookup.detail()
                    + ".\nInstall the PostgreSQL server binaries (Debian/Ubuntu: apt-get install postgresql; Fedora: dnf install"
                    + " postgresql-server; macOS: brew install postgresql@15), or set " + PostgresTestSettings.BIN_ENV
                    + " (or -D" + PostgresTestSettings.BIN_PROPERTY + ") to the directory holding initdb, pg_ctl and postgres.");
        }
        return lookup.found();
    }
}
