package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabases;

/** Implements {@link PostgresShards}: the databases of one annotated class, dropped when the class is done. */
public final class PostgresShardsExtension extends ClassScopedResourceExtension<PostgresShards, ShardDatabases> {

    public PostgresShardsExtension() {
        super(PostgresShards.class, ShardDatabases.class, shards -> SharedShardServer.createDatabases(shards.count()));
    }
}
