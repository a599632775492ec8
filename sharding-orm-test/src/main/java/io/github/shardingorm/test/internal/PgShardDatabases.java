package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestException;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A set of shard databases created together on a {@link ShardServer}; dropped by {@link #close()}. */
final class PgShardDatabases implements ShardDatabases {

    private static final Logger LOG = LoggerFactory.getLogger(PgShardDatabases.class);
    /** SQLState of CREATE DATABASE when the name is taken. */
    private static final String DUPLICATE_DATABASE = "42P04";
    /** CREATE/DROP DATABASE mostly wait for I/O: a few at once, but not so many that a small server chokes. */
    private static final int PARALLELISM = 4;

    private final ShardServer server;
    private final List<ShardDatabase> databases;
    private boolean closed;

    private PgShardDatabases(ShardServer server, List<ShardDatabase> databases) {
        this.server = server;
        this.databases = List.copyOf(databases);
    }

    /**
     * Creates {@code count} databases, several at once; when one cannot be created, drops the others.
     *
     * @throws PostgresTestException when a database cannot be created
     */
    static PgShardDatabases create(ShardServer server, int count) {
        long began = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            String runId = DatabaseNames.newRunId();
            List<Callable<ShardDatabase>> creations = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                creations.add(() -> createOne(server, runId, index));
            }
            ParallelTasks.Outcome<ShardDatabase> outcome = ParallelTasks.runAll("sharding-orm-create-db", PARALLELISM, creations);
            if (outcome.failures().isEmpty()) {
                PgShardDatabases databases = new PgShardDatabases(server, outcome.succeeded());
                TestResources.register(databases);
                LOG.info("created {} shard database(s) shorm_{}_* on {} in {} ms", count, runId, server.description(),
                        (System.nanoTime() - began) / 1_000_000);
                return databases;
            }
            Throwable first = outcome.failures().get(0);
            PostgresTestException failure = first instanceof PostgresTestException pte ? pte : new PostgresTestException(first.toString(), first);
            outcome.failures().stream().skip(1).forEach(failure::addSuppressed);
            new PgShardDatabases(server, outcome.succeeded()).dropAll(failure);
            boolean nameTaken = first.getCause() instanceof SQLException sql && DUPLICATE_DATABASE.equals(sql.getSQLState());
            if (!nameTaken || attempt >= 3) {
                throw failure;
            }
        }
    }

    private static ShardDatabase createOne(ShardServer server, String runId, int index) {
        String name = DatabaseNames.databaseName(runId, index);
        try (Connection admin = server.connectAdmin(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + Jdbc.quoteIdentifier(name) + " TEMPLATE template0");
            try {
                statement.execute("COMMENT ON DATABASE " + Jdbc.quoteIdentifier(name) + " IS " + Jdbc.quoteLiteral(DatabaseNames.ownerComment()));
            } catch (SQLException e) {
                try {
                    statement.execute("DROP DATABASE " + Jdbc.quoteIdentifier(name));
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            return new PgShardDatabase(DatabaseNames.shardId(index), name, server.jdbcUrl(name), server.username(), server.password());
        } catch (SQLException e) {
            throw new PostgresTestException("cannot create shard database " + name + " on " + server.description()
                    + " [SQLState " + e.getSQLState() + "]: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ShardDatabase> list() {
        return databases;
    }

    @Override
    public ShardDatabase get(int index) {
        return databases.get(index);
    }

    @Override
    public ShardDatabase byId(String id) {
        for (ShardDatabase database : databases) {
            if (database.id().equals(id)) {
                return database;
            }
        }
        throw new IllegalArgumentException("no shard '" + id + "'; the shards are s0 to s" + (databases.size() - 1));
    }

    @Override
    public int size() {
        return databases.size();
    }

    @Override
    public String source() {
        return server.description();
    }

    @Override
    public Iterator<ShardDatabase> iterator() {
        return databases.iterator();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        TestResources.unregister(this);
        PostgresTestException failure = dropAll(null);
        if (failure != null) {
            throw failure;
        }
        LOG.debug("dropped shard databases {}", databases);
    }

    /** Drops every database (several at once), adding failures to {@code failure} (or a new exception when null). */
    private PostgresTestException dropAll(PostgresTestException failure) {
        List<Callable<Void>> drops = new ArrayList<>();
        for (ShardDatabase database : databases) {
            drops.add(() -> {
                try (Connection admin = server.connectAdmin(); Statement statement = admin.createStatement()) {
                    statement.execute("DROP DATABASE IF EXISTS " + Jdbc.quoteIdentifier(database.databaseName()) + " WITH (FORCE)");
                    return null;
                } catch (SQLException e) {
                    throw add(null, "cannot drop shard database " + database.databaseName() + " on " + server.description(), e);
                }
            });
        }
        for (Throwable e : ParallelTasks.runAll("sharding-orm-drop-db", PARALLELISM, drops).failures()) {
            if (failure == null) {
                failure = e instanceof PostgresTestException pte ? pte : new PostgresTestException(e.toString(), e);
            } else {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }

    private static PostgresTestException add(PostgresTestException failure, String what, SQLException e) {
        PostgresTestException exception = new PostgresTestException(what + " [SQLState " + e.getSQLState() + "]: " + e.getMessage(), e);
        if (failure == null) {
            return exception;
        }
        failure.addSuppressed(exception);
        return failure;
    }

    @Override
    public String toString() {
        return "ShardDatabases" + databases;
    }
}
