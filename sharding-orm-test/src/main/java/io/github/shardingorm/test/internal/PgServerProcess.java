package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresTestException;
import io.github.shardingorm.test.PostgresTestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL server: a temp directory {@code sharding-orm-pg-<id>-*} holding the data
 * directory, the unix socket directory and the server log, and a postmaster controlled with
 * {@code pg_ctl}. Every instance is registered with {@link TestResources} from the moment its
 * directory exists, so it is stopped and deleted even when a test fails half-way.
 */
final class PgServerProcess implements PostgresServer {

    private static final Logger LOG = LoggerFactory.getLogger(PgServerProcess.class);

    static final String SUPERUSER = PostgresTestSettings.DEFAULT_USER;
    private static final String HOST = "127.0.0.1";
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final int PG_CTL_WAIT_SECONDS = 60;
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 15);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private final String id;
    private final PostgresBinaries binaries;
    private final OsCommands os;
    private final Path baseDirectory;
    private final boolean replica;
    private final ServerLog log;
    private final List<PgServerProcess> replicas = new ArrayList<>();
    private volatile int port;
    private int replicaCount;
    private boolean closed;

    private PgServerProcess(String id, PostgresBinaries binaries, OsCommands os, Path baseDirectory, boolean replica) {
        this.id = id;
        this.binaries = binaries;
        this.os = os;
        this.baseDirectory = baseDirectory;
        this.replica = replica;
        this.log = new ServerLog(logFile());
        this.port = Ports.next();
    }

    /** Creates ({@code initdb}), configures and starts a new primary server. */
    static PgServerProcess start(String id, PostgresBinaries binaries, OsCommands os, int maxConnections, Map<String, String> settings) {
        PgServerProcess server = new PgServerProcess(id, binaries, os, newBaseDirectory(id, os), false);
        try {
            server.initdb(maxConnections, settings);
            server.start();
            return server;
        } catch (RuntimeException e) {
            server.closeAfterFailure(e);
            throw e;
        }
    }

    private static Path newBaseDirectory(String id, OsCommands os) {
        try {
            Path base = Files.createTempDirectory(PostgresTestSettings.TEMP_DIRECTORY_PREFIX + id + "-"
                    + ProcessTable.ownerTag() + "-");
            os.handOver(base);
            Path sockets = Files.createDirectory(base.resolve("sock"));
            os.handOver(sockets);
            return base;
        } catch (IOException e) {
            throw new PostgresTestException(id + ": cannot create a temp directory for a private PostgreSQL server", e);
        }
    }

    private void initdb(int maxConnections, Map<String, String> settings) {
        TestResources.register(this);
        os.runOrThrow(baseDirectory, INITDB_TIMEOUT, List.of(binaries.program("initdb").toString(),
                "-D", dataDirectory().toString(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"),
                id + ": initdb");
        Map<String, String> all = new LinkedHashMap<>(ServerConfiguration.defaults(maxConnections));
        all.putAll(addressSettings());
        all.putAll(settings);
        ServerConfiguration.append(dataDirectory(), all);
        ServerConfiguration.writeHba(dataDirectory());
    }

    private Map<String, String> addressSettings() {
        return Map.of("port", Integer.toString(port), "unix_socket_directories", baseDirectory.resolve("sock").toString());
    }

    // ---------------------------------------------------------------- identity

    @Override
    public String id() {
        return id;
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String username() {
        return SUPERUSER;
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    @Override
    public Path dataDirectory() {
        return baseDirectory.resolve("data");
    }

    @Override
    public Path logFile() {
        return baseDirectory.resolve("server.log");
    }

    @Override
    public boolean isReplica() {
        return replica;
    }

    // ---------------------------------------------------------------- process control

    @Override
    public boolean isRunning() {
        return postmasterPid() > 0;
    }

    /** @return the live postmaster's pid, or -1 */
    private long postmasterPid() {
        try {
            Path pidFile = dataDirectory().resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return -1;
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new PostgresTestException(id + ": cannot start a closed server");
        }
        if (isRunning()) {
            return;
        }
        long began = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            long logOffset = log.size();
            OsCommands.Result result = os.run(baseDirectory, PG_CTL_TIMEOUT, List.of(binaries.program("pg_ctl").toString(),
                    "-D", dataDirectory().toString(), "-l", logFile().toString(), "-w", "-t", Integer.toString(PG_CTL_WAIT_SECONDS), "start"));
            if (result.succeeded()) {
                break;
            }
            if (attempt < START_ATTEMPTS && log.since(logOffset).contains("could not bind") && !isRunning()) {
                LOG.info("{}: port {} was taken, retrying on another port", id, port);
                port = Ports.next();
                ServerConfiguration.append(dataDirectory(), Map.of("port", Integer.toString(port)));
                continue;
            }
            throw failure("could not start (pg_ctl exited with " + result.exitCode() + ": " + result.output() + ")", null);
        }
        awaitConnection();
        LOG.info("{}: PostgreSQL {} {} on {}:{} in {} ms ({})", id, majorVersion(), replica ? "replica started" : "started",
                HOST, port, (System.nanoTime() - began) / 1_000_000, baseDirectory);
    }

    private void awaitConnection() {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        SQLException last;
        do {
            try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            pause(100);
        } while (System.nanoTime() < deadline);
        throw failure("started but does not accept connections after " + CONNECT_TIMEOUT.toSeconds() + " s", last);
    }

    @Override
    public synchronized void stop() {
        pgCtlStop("fast", "stop");
    }

    @Override
    public synchronized void kill() {
        pgCtlStop("immediate", "kill");
    }

    private void pgCtlStop(String mode, String what) {
        if (!isRunning()) {
            return;
        }
        OsCommands.Result result = os.run(baseDirectory, PG_CTL_TIMEOUT, List.of(binaries.program("pg_ctl").toString(),
                "-D", dataDirectory().toString(), "-m", mode, "-w", "-t", Integer.toString(PG_CTL_WAIT_SECONDS), "stop"));
        if (!result.succeeded() && isRunning()) {
            throw failure("could not " + what + " (pg_ctl stop -m " + mode + " exited with " + result.exitCode() + ": " + result.output() + ")", null);
        }
        LOG.info("{}: {} (pg_ctl stop -m {})", id, what.equals("kill") ? "crashed" : "stopped", mode);
    }

    @Override
    public synchronized void restart() {
        stop();
        start();
    }

    // ---------------------------------------------------------------- SQL

    @Override
    public Connection connect(String database) throws SQLException {
        return Jdbc.connect(jdbcUrl(database), SUPERUSER, null);
    }

    @Override
    public void createDatabase(String name) {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + Jdbc.quoteIdentifier(name));
        } catch (SQLException e) {
            throw new PostgresTestException(id + ": cannot create database " + name + " [SQLState " + e.getSQLState() + "]: " + e.getMessage(), e);
        }
    }

    @Override
    public String showSetting(String name) {
        return ServerSettings.show(id, () -> connect("postgres"), name);
    }

    @Override
    public synchronized void setSetting(String name, String value) {
        if (ServerSettings.alter(id, () -> connect("postgres"), name, value)) {
            LOG.info("{}: {} = '{}' needs a restart", id, name, value);
            restart();
        }
    }

    // ---------------------------------------------------------------- replicas

    @Override
    public synchronized PostgresServer createReplica() {
        if (closed || !isRunning()) {
            throw new PostgresTestException(id + ": cannot create a replica of a server that is " + (closed ? "closed" : "not running"));
        }
        String replicaId = id + "-replica" + (++replicaCount);
        PgServerProcess standby = new PgServerProcess(replicaId, binaries, os, newBaseDirectory(replicaId, os), true);
        TestResources.register(standby);
        try {
            os.runOrThrow(standby.baseDirectory, INITDB_TIMEOUT, List.of(binaries.program("pg_basebackup").toString(),
                    "-h", HOST, "-p", Integer.toString(port), "-U", SUPERUSER, "-D", standby.dataDirectory().toString(),
                    "-R", "-X", "stream", "-c", "fast", "--no-sync"), replicaId + ": pg_basebackup from " + id);
            Map<String, String> overrides = new LinkedHashMap<>(standby.addressSettings());
            overrides.put("hot_standby", "on");
            ServerConfiguration.append(standby.dataDirectory(), overrides);
            standby.start();
        } catch (RuntimeException e) {
            standby.closeAfterFailure(e);
            throw e;
        }
        replicas.add(standby);
        return standby;
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        List<PgServerProcess> standbys;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            standbys = new ArrayList<>(replicas);
        }
        PostgresTestException failure = null;
        for (int i = standbys.size() - 1; i >= 0; i--) {
            try {
                standbys.get(i).close();
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        try {
            stopForClose();
        } catch (RuntimeException e) {
            failure = add(failure, e);
        }
        try {
            deleteRecursively(baseDirectory);
        } catch (IOException e) {
            failure = add(failure, new PostgresTestException(id + ": cannot delete " + baseDirectory, e));
        }
        TestResources.unregister(this);
        if (failure != null) {
            throw failure;
        }
    }

    /** Stops cleanly; if that fails, crashes it; if even that fails, kills the postmaster's process. */
    private synchronized void stopForClose() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("{}: clean stop failed, stopping with -m immediate", id, e);
            try {
                kill();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            long pid = postmasterPid();
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            throw e;
        }
    }

    private void closeAfterFailure(RuntimeException cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static PostgresTestException add(PostgresTestException failure, RuntimeException e) {
        if (failure == null) {
            return e instanceof PostgresTestException pte ? pte : new PostgresTestException(e.getMessage(), e);
        }
        failure.addSuppressed(e);
        return failure;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    // ---------------------------------------------------------------- diagnostics

    private PostgresTestException failure(String what, Throwable cause) {
        return new PostgresTestException(id + " (" + HOST + ":" + port + ", " + baseDirectory + "): " + what
                + "\n--- last lines of " + logFile() + " ---\n" + log.tail(), cause);
    }

    private String majorVersion() {
        try {
            return Files.readString(dataDirectory().resolve("PG_VERSION")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresTestException("interrupted while waiting for PostgreSQL", e);
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + id + ", " + HOST + ":" + port + (replica ? ", replica" : "") + ", " + baseDirectory + "]";
    }
}
