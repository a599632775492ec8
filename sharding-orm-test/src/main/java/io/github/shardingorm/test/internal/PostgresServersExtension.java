package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.util.List;

/** Implements {@link PostgresServers}: the servers of one annotated class, stopped and deleted when the class is done. */
public final class PostgresServersExtension extends ClassScopedResourceExtension<PostgresServers, PostgresServerGroup> {

    public PostgresServersExtension() {
        super(PostgresServers.class, PostgresServerGroup.class,
                servers -> PrivateServers.start(servers.count(), List.of(servers.settings())));
    }
}
