package io.github.shardingorm.samples;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.samples.social.Post;
import io.github.shardingorm.samples.social.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The sample application's entry point (the README's run command starts it).
 *
 * <p>Runs on in-memory H2 shards by default, so it needs no server. Set
 * {@code SAMPLES_PG_URL_PREFIX} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/social_}) and the
 * app uses the PostgreSQL databases {@code <prefix>0..3} instead (they must exist).
 */
public final class SocialApp {

    private static final int SHARDS = 4;
    private static final int USERS = 2_000;
    private static final int POSTS = 10_000;

    private SocialApp() {
    }

    public static void main(String[] args) {
        String pgPrefix = System.getenv("SAMPLES_PG_URL_PREFIX");
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (int i = 0; i < SHARDS; i++) {
            if (pgPrefix == null || pgPrefix.isBlank()) {
                builder.shard("s" + i, "jdbc:h2:mem:social" + i + ";DB_CLOSE_DELAY=-1", "sa", "");
            } else {
                builder.shard("s" + i, pgPrefix + i, System.getenv().getOrDefault("SAMPLES_PG_USER", "postgres"),
                        System.getenv().getOrDefault("SAMPLES_PG_PASSWORD", ""));
            }
        }
        long start = System.nanoTime();
        try (ShardedPersistence orm = builder.entities(User.class, Post.class).schema(SchemaAction.CREATE).build()) {
            System.out.printf("sharding-orm social sample: %d shards on %s, started in %d ms%n", SHARDS,
                    pgPrefix == null ? "in-memory H2" : "PostgreSQL", (System.nanoTime() - start) / 1_000_000);
            run(orm);
        }
    }

    private static void run(ShardedPersistence orm) {
        ShardedRepository<User, Long> users = orm.repository(User.class);
        ShardedRepository<Post, Long> posts = orm.repository(Post.class);
        Random random = new Random(42);
        Instant epoch = Instant.parse("2026-11-01T00:00:00Z");

        long t0 = System.nanoTime();
        List<User> newUsers = new ArrayList<>();
        for (long id = 1; id <= USERS; id++) {
            newUsers.add(new User(id, "user" + id, epoch.plusSeconds(id)));
        }
        users.saveAll(newUsers);
        List<Post> newPosts = new ArrayList<>();
        for (int i = 0; i < POSTS; i++) {
            long author = 1 + (long) (USERS * Math.pow(random.nextDouble(), 3)); // skewed: a few authors post a lot
            newPosts.add(new Post(author, "post " + i + " by user" + author, epoch.plusSeconds(3600L + i)));
        }
        posts.saveAll(newPosts);
        long seedMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("seeded %,d users and %,d posts in %,d ms (saveAll: one transaction and JDBC batches per shard)%n",
                USERS, POSTS, seedMillis);

        System.out.println("\nrows per shard (counted on each shard):");
        Map<String, long[]> perShard = new TreeMap<>();
        for (String shard : orm.shardIds()) {
            long[] counts = orm.fromTransactionOnShard(shard, s -> new long[] {
                    s.createQuery("select count(u) from User u", Long.class).getSingleResult(),
                    s.createQuery("select count(p) from Post p", Long.class).getSingleResult()});
            perShard.put(shard, counts);
        }
        perShard.forEach((shard, c) -> System.out.printf("  %-3s users=%,6d  posts=%,6d%n", shard, c[0], c[1]));

        Post some = newPosts.get(POSTS / 2);
        long t1 = System.nanoTime();
        Post found = posts.findById(some.getId()).orElseThrow();
        System.out.printf("%nfindById(%d) -> \"%s\" on shard %s (bucket %d carried by the id, no fan-out) in %d us%n",
                found.getId(), found.getBody(), orm.shardOf(found.getAuthorId()), ShardAwareId.bucketOf(found.getId()),
                (System.nanoTime() - t1) / 1_000);

        long heavy = 1;
        List<Post> profile = orm.fromReadOnlyTransaction(heavy, s -> s.createQuery(
                        "select p from Post p where p.authorId = :a order by p.createdAt desc", Post.class)
                .setParameter("a", heavy).setMaxResults(3).getResultList());
        System.out.printf("profile of user%d (one shard, %s): latest %d posts%n", heavy, orm.shardOf(heavy), profile.size());
        profile.forEach(p -> System.out.printf("  %s  %s%n", p.getCreatedAt(), p.getBody()));

        try {
            orm.inTransaction(1L, s -> s.persist(new User(otherShardKey(orm, 1L), "stray", epoch)));
        } catch (ShardRoutingException e) {
            System.out.println("\nguard: " + e.getMessage());
        }
    }

    private static long otherShardKey(ShardedPersistence orm, long key) {
        long k = key + 1;
        while (orm.shardOf(k).equals(orm.shardOf(key))) {
            k++;
        }
        return k;
    }
}
