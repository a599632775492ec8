package io.github.shardingorm.test.internal;

import static io.github.shardingorm.test.PostgresTestSettings.DEFAULT_IMAGE;
import static io.github.shardingorm.test.PostgresTestSettings.DEFAULT_USER;
import static io.github.shardingorm.test.PostgresTestSettings.IMAGE_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.IMAGE_PROPERTY;
import static io.github.shardingorm.test.PostgresTestSettings.PASSWORD_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.PASSWORD_PROPERTY;
import static io.github.shardingorm.test.PostgresTestSettings.URL_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.URL_PROPERTY;
import static io.github.shardingorm.test.PostgresTestSettings.USER_ENV;
import static io.github.shardingorm.test.PostgresTestSettings.USER_PROPERTY;

import io.github.shardingorm.test.PostgresTestException;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.SQLException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one server per JVM that shard databases are created on: resolved ({@link SourceResolver})
 * and started on first use, shared by every test class, closed at the end of the run.
 */
public final class SharedShardServer {

    private static final Logger LOG = LoggerFactory.getLogger(SharedShardServer.class);
    /** Shards are many small databases used through connection pools: allow plenty of connections. */
    private static final int PRIVATE_SERVER_MAX_CONNECTIONS = 200;

    private static ShardServer current;

    private SharedShardServer() {
    }

    /**
     * @return the shared server, started if needed; never null
     * @throws PostgresTestException when no source is available or it cannot be started
     */
    public static String description() {
        return get().description();
    }

    static synchronized ShardServer get() {
        if (current == null) {
            ShardServer server = open(SourceResolver.resolve(SystemTestEnvironment.INSTANCE), SystemTestEnvironment.INSTANCE);
            LOG.info("shard databases will be created on {}", server.description());
            TestResources.register(new Release(server));
            current = server;
        }
        return current;
    }

    /** @see io.github.shardingorm.test.PostgresShardSupport#createDatabases(int) */
    public static ShardDatabases createDatabases(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("shard count must be at least 1 but was " + count);
        }
        return PgShardDatabases.create(get(), count);
    }

    static ShardServer open(SourceKind kind, TestEnvironment env) {
        switch (kind) {
            case SERVER:
                return existing(env);
            case DOCKER:
                String image = env.setting(IMAGE_PROPERTY, IMAGE_ENV);
                return ContainerShardServer.start(image == null ? DEFAULT_IMAGE : image);
            case BINARIES:
                PgServerProcess server = PgServerProcess.start("shards", PrivateServers.requireBinaries(),
                        OsCommands.forCurrentUser(), PRIVATE_SERVER_MAX_CONNECTIONS, Map.of("max_prepared_transactions", "50"));
                return new ShardServer("private server " + server.host() + ":" + server.port() + " (" + server.dataDirectory() + ")",
                        server.jdbcUrl("postgres"), server.username(), "", server);
            default:
                throw new IllegalStateException("unknown source " + kind);
        }
    }

    private static ShardServer existing(TestEnvironment env) {
        String url = env.setting(URL_PROPERTY, URL_ENV);
        String user = env.setting(USER_PROPERTY, USER_ENV);
        String password = env.setting(PASSWORD_PROPERTY, PASSWORD_ENV);
        ShardServer server = new ShardServer("existing server " + JdbcUrls.mask(url), url,
                user == null ? DEFAULT_USER : user, password == null ? "" : password, null);
        try {
            server.connectAdmin().close();
            return server;
        } catch (SQLException e) {
            throw new PostgresTestException("cannot connect to the existing server " + JdbcUrls.mask(url) + " (" + URL_ENV
                    + ") as user " + server.username() + " [SQLState " + e.getSQLState() + "]: " + e.getMessage()
                    + ". Check the URL, " + USER_ENV + " and " + PASSWORD_ENV + ", or unset " + URL_ENV
                    + " to use Docker or local binaries instead", e);
        } catch (IllegalArgumentException e) {
            throw new PostgresTestException(URL_ENV + " / -D" + URL_PROPERTY + " is invalid: " + e.getMessage(), e);
        }
    }

    /** Closes the shared server and forgets it, so that a later use starts a new one. */
    private static final class Release implements AutoCloseable {
        private final ShardServer server;

        Release(ShardServer server) {
            this.server = server;
        }

        @Override
        public void close() {
            synchronized (SharedShardServer.class) {
                if (current == server) {
                    current = null;
                }
            }
            server.close();
        }
    }
}
