package io.github.shardingorm.bench.anchors.contenders;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.bench.anchors.AuthorCount;
import io.github.shardingorm.bench.anchors.BenchEnv;
import io.github.shardingorm.bench.anchors.Contender;
import io.github.shardingorm.bench.anchors.CountAvg;
import io.github.shardingorm.bench.anchors.PostRow;
import io.github.shardingorm.bench.anchors.Target;
import io.github.shardingorm.query.ShardedQuery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * E. The anchors' contender D with the stored topology in place: the same calls, settings and
 * entity as {@code ShardingOrmContender}, but schema {@code UPDATE} on its own databases
 * ({@code anchor_e0..3}), so that the library creates its topology tables, stores the shard map in
 * every shard, leases a node id, follows the map (one LISTEN connection per shard and a poll) and
 * every keyed write and read passes the per-bucket fence. D runs with schema {@code VALIDATE} on
 * databases that only hold the harness's table, so its map is kept in memory and no fence exists:
 * E ÷ B is issue 11's "keyed insert and point read with the fence in place vs plain Hibernate".
 *
 * <p>The same calls as D for W1-W5b (W2F and W5c: n/a). Not part of the
 * harness in {@code shared/}: compiled against its jar (see docs/benchmarks.md, "The fence side by
 * side") and added with {@code --contender-class}.
 */
public final class ShardingOrmStoredTopologyContender implements Contender {
    private ShardedPersistence orm;
    private ShardedRepository<ShardingOrmPost, Long> posts;
    private ShardedQuery<ShardingOrmPost> byAuthor;
    private ShardedQuery<ShardingOrmPost> newest;
    private ShardedQuery<Object[]> countAvg;
    private ShardedQuery<Object[]> topAuthors;
    private final Map<String, Integer> shardIndex = new HashMap<>();
    private final Map<String, Object> info = new LinkedHashMap<>();

    @Override
    public String id() {
        return "E";
    }

    @Override
    public String description() {
        return "sharding-orm as D, with the stored topology (schema UPDATE): shard map in every shard, leased node id, per-bucket fence";
    }

    @Override
    public Target target() {
        return Target.OWN;
    }

    @Override
    public List<String> ownDatabases(BenchEnv env) {
        List<String> dbs = new ArrayList<>();
        for (int i = 0; i < env.shardCount(); i++) {
            dbs.add(env.options().dbPrefix + "_e" + i);
        }
        return dbs;
    }

    @Override
    public void start(BenchEnv env) {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        String password = env.password() == null || env.password().isEmpty() ? null : env.password();
        List<String> dbs = ownDatabases(env);
        for (int i = 0; i < dbs.size(); i++) {
            String shard = "e" + i;
            builder.shard(shard, env.url(dbs.get(i)) + "&ApplicationName=anchors-E-" + shard, env.user(), password);
            shardIndex.put(shard, i);
        }
        orm = builder
                .entities(ShardingOrmPost.class)
                .schema(SchemaAction.UPDATE)
                .maximumPoolSize(env.poolSize())
                .minimumIdle(env.poolSize())
                .connectionTimeout(Duration.ofSeconds(30))
                .jdbcBatchSize(env.batchSize())
                .twoPhaseCommit(TwoPhaseCommitMode.DISABLED)
                .build();
        posts = orm.repository(ShardingOrmPost.class);
        byAuthor = posts.query("select p from Post p where p.authorId = :authorId order by p.createdAt desc");
        newest = posts.query("select p from Post p order by p.createdAt desc");
        countAvg = orm.query("select count(*), avg(length(p.body)) from Post p", Object[].class);
        topAuthors = orm.query("select p.authorId, count(*) from Post p group by p.authorId order by count(*) desc, p.authorId",
                Object[].class);
        info.put("shards", orm.shardIds() + " on " + dbs);
        info.put("schema", "UPDATE (stored topology)");
        info.put("topology", orm.topology().toString());
    }

    @Override
    public void insertOne(PostRow row) {
        ShardingOrmPost post = new ShardingOrmPost(row);
        posts.inTransaction(row.authorId(), session -> session.persist(post));
    }

    @Override
    public void insertBatch(List<PostRow> rows) {
        posts.saveAll(rows.stream().map(ShardingOrmPost::new).toList());
    }

    @Override
    public PostRow findById(long id, long authorId) {
        return posts.findById(authorId, id).map(ShardingOrmPost::toRow).orElse(null);
    }

    @Override
    public List<PostRow> newestByAuthor(long authorId, int limit) {
        return byAuthor.param("authorId", authorId).limit(limit).list().stream().map(ShardingOrmPost::toRow).toList();
    }

    @Override
    public List<PostRow> newestOverall(int limit) {
        return newest.limit(limit).list().stream().map(ShardingOrmPost::toRow).toList();
    }

    @Override
    public CountAvg countAndAvgBodyLength() {
        Object[] r = countAvg.single().orElseThrow();
        return new CountAvg(((Number) r[0]).longValue(), r[1] == null ? Double.NaN : ((Number) r[1]).doubleValue());
    }

    @Override
    public List<AuthorCount> topAuthors(int limit) {
        return topAuthors.limit(limit).list().stream()
                .map(r -> new AuthorCount(((Number) r[0]).longValue(), ((Number) r[1]).longValue())).toList();
    }

    @Override
    public int ownShardOf(long authorId) {
        return shardIndex.get(orm.shardOf(authorId));
    }

    @Override
    public Map<String, Object> info() {
        return info;
    }

    @Override
    public void close() {
        if (orm != null) {
            orm.close();
        }
    }
}
