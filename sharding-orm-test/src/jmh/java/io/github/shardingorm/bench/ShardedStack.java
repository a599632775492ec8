package io.github.shardingorm.bench;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keyed CRUD through sharding-orm's public API, over one database per shard. */
final class ShardedStack implements CrudStack {

    private final ShardedPersistence orm;
    private final ShardedRepository<BenchUser, Long> users;

    ShardedStack(List<String> shardDatabases, int poolSize) {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (int i = 0; i < shardDatabases.size(); i++) {
            builder.shard("s" + i, BenchDatabases.url(shardDatabases.get(i)), BenchDatabases.USER, BenchDatabases.PASSWORD);
        }
        orm = builder.entities(BenchUser.class)
                .schema(SchemaAction.CREATE)
                .maximumPoolSize(poolSize)
                .build();
        users = orm.repository(BenchUser.class);
    }

    @Override
    public void insert(BenchUser user) {
        orm.inTransaction(user.id, session -> session.persist(user));
    }

    @Override
    public BenchUser save(BenchUser user) {
        return users.save(user);
    }

    @Override
    public BenchUser findById(long id) {
        return users.findById(id).orElse(null);
    }

    @Override
    public void load(List<BenchUser> all) {
        Map<String, List<BenchUser>> byShard = new LinkedHashMap<>();
        for (BenchUser user : all) {
            byShard.computeIfAbsent(orm.shardOfEntity(user), s -> new ArrayList<>()).add(user);
        }
        byShard.forEach((shard, list) -> orm.fromTransactionOnShard(shard, session -> {
            list.forEach(session::persist);
            return null;
        }));
    }

    /** The persistence unit (for benchmarks that drive the topology). */
    ShardedPersistence orm() {
        return orm;
    }

    @Override
    public void close() {
        orm.close();
    }
}
