package io.github.shardingorm.test.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code postgresql.conf} and {@code pg_hba.conf} of a private server: fast and unsafe
 * against an OS crash (fsync and full page writes off) but safe against a server crash
 * (synchronous commit on), ready for streaming replication, trusting every local connection.
 */
final class ServerConfiguration {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_.]*");

    static final String HBA = String.join("\n",
            "# written by sharding-orm-test: trust every local connection, replication included",
            "local   all          all                 trust",
            "local   replication  all                 trust",
            "host    all          all  127.0.0.1/32   trust",
            "host    replication  all  127.0.0.1/32   trust",
            "host    all          all  ::1/128        trust",
            "host    replication  all  ::1/128        trust",
            "");

    private ServerConfiguration() {
    }

    /** The settings every private server gets, before the caller's. */
    static Map<String, String> defaults(int maxConnections) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("fsync", "off");
        // Not "off": with it a crash (PostgresServer.kill) loses the last commits, and with fsync off a
        // synchronous commit costs only a write() to the page cache anyway.
        settings.put("synchronous_commit", "on");
        settings.put("full_page_writes", "off");
        settings.put("shared_buffers", "16MB");
        settings.put("max_connections", Integer.toString(maxConnections));
        settings.put("wal_level", "replica");
        settings.put("max_wal_senders", "10");
        settings.put("max_replication_slots", "10");
        settings.put("wal_keep_size", "64MB");
        settings.put("hot_standby", "on");
        settings.put("logging_collector", "off");
        settings.put("log_min_messages", "warning");
        settings.put("log_checkpoints", "off");
        settings.put("timezone", "UTC");
        return settings;
    }

    /**
     * @param settings {@code "name=value"} entries
     * @return them as an ordered map
     * @throws IllegalArgumentException when an entry is not {@code name=value} with a valid name
     */
    static Map<String, String> parse(List<String> settings) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String setting : settings) {
            int eq = setting == null ? -1 : setting.indexOf('=');
            String name = eq < 0 ? "" : setting.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("server setting '" + setting + "' is not name=value, for example max_prepared_transactions=10");
            }
            parsed.put(name, setting.substring(eq + 1).trim());
        }
        return parsed;
    }

    static void requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a PostgreSQL setting name");
        }
    }

    /** Appends {@code settings} to {@code postgresql.conf}; later lines win over earlier ones. */
    static void append(Path dataDirectory, Map<String, String> settings) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("# added by sharding-orm-test");
        settings.forEach((name, value) -> lines.add(name + " = '" + value.replace("'", "''") + "'"));
        try {
            Files.write(dataDirectory.resolve("postgresql.conf"), lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new io.github.shardingorm.test.PostgresTestException("cannot write " + dataDirectory.resolve("postgresql.conf"), e);
        }
    }

    static void writeHba(Path dataDirectory) {
        try {
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new io.github.shardingorm.test.PostgresTestException("cannot write " + dataDirectory.resolve("pg_hba.conf"), e);
        }
    }
}
