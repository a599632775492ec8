package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestException;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** The Testcontainers source: one PostgreSQL container, tuned for tests. */
final class ContainerShardServer {

    private ContainerShardServer() {
    }

    @SuppressWarnings("resource") // closed through the returned ShardServer
    static ShardServer start(String image) {
        PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"));
        container.withCommand("postgres", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=200", "-c", "max_prepared_transactions=50");
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new PostgresTestException("cannot start Docker container " + image + " for shard databases: " + e.getMessage()
                    + ". Fix Docker, or choose another source with -Dshardingorm.test.pg.source=binaries|server", e);
        }
        return new ShardServer("Docker container " + image + " (" + JdbcUrls.mask(container.getJdbcUrl()) + ")",
                container.getJdbcUrl(), container.getUsername(), container.getPassword(), container::stop);
    }
}
