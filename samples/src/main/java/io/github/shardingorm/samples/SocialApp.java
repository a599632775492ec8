package io.github.shardingorm.samples;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.samples.social.Comment;
import io.github.shardingorm.samples.social.Country;
import io.github.shardingorm.samples.social.Following;
import io.github.shardingorm.samples.social.Post;
import io.github.shardingorm.samples.social.SeedData;
import io.github.shardingorm.samples.social.SocialService;
import io.github.shardingorm.samples.social.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The social sample (the README's run command starts it): seeds a skewed dataset, runs every use
 * case and prints a report.
 *
 * <p>By default the shards are in-memory H2 databases (no server needed). Pass
 * {@code --postgres=jdbc:postgresql://127.0.0.1:5432/postgres} (an admin database; or set
 * {@code SAMPLES_POSTGRES_URL}) to run on PostgreSQL: the app creates databases
 * {@code social_s0..social_s3} there if missing and recreates its tables.
 */
public final class SocialApp {

    private static final int SHARDS = 4;
    private static final int USERS = 3_000;
    private static final int POSTS = 30_000;
    private static final int COMMENTS = 5_000;
    private static final int FOLLOWS = 2_500;

    private SocialApp() {
    }

    public static void main(String[] args) {
        String postgres = SampleShards.postgresUrl(args);
        long start = System.nanoTime();
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        SampleShards.configure(builder, "social", SHARDS, postgres);
        SocialService.sagas().forEach(builder::saga);
        try (ShardedPersistence orm = builder.entities(SocialService.entities()).schema(SchemaAction.CREATE).build()) {
            System.out.printf("sharding-orm social sample: %d shards on %s, started in %,d ms%n%n", SHARDS,
                    postgres == null ? "in-memory H2" : "PostgreSQL", millisSince(start));
            new SocialApp.Demo(orm).run();
        }
    }

    /** One run of the demo. */
    private static final class Demo {
        private final ShardedPersistence orm;
        private final SocialService social;
        private final SeedData seed = new SeedData(42, USERS);

        Demo(ShardedPersistence orm) {
            this.orm = orm;
            this.social = new SocialService(orm);
        }

        void run() {
            section("seeding");
            List<Post> posts = seedAll();

            section("rows per shard (each shard counted on its own)");
            printDistribution();

            section("profile (one shard: the user, its country from the local reference table, its counts)");
            SocialService.Profile profile = timed("profile of user1", () -> social.profile(1L, 3));
            System.out.printf("  @%s from %s: %,d posts, %,d followers, following %,d (shard %s)%n",
                    profile.user().getHandle(), profile.country(), profile.posts(), profile.followers(),
                    profile.following(), orm.shardOf(1L));
            profile.recent().forEach(p -> System.out.printf("    %s  %s%n", p.getCreatedAt(), p.getBody()));

            Post some = posts.get(posts.size() / 2);
            Post found = timed("findById (the id carries its bucket: no key, no fan-out)",
                    () -> orm.repository(Post.class).<Post>findById(some.getId()).orElseThrow());
            System.out.printf("  post %d -> \"%s\", bucket %d, shard %s%n", found.getId(), found.getBody(),
                    ShardAwareId.bucketOf(found.getId()), orm.shardOf(found.getAuthorId()));

            section("home timeline (followees on the user's shard, then a keyed IN over their shards, merged by date)");
            long reader = mostFollowingUser();
            List<Post> timeline = timed("home timeline of user" + reader, () -> social.homeTimeline(reader, 5));
            System.out.printf("  user%d follows %d users%n", reader, social.followees(reader).size());
            timeline.forEach(p -> System.out.printf("    %s  %-32s (shard %s)%n", p.getCreatedAt(), p.getBody(), orm.shardOf(p.getAuthorId())));

            section("global latest (fan-out to every shard, k-way merge, LIMIT)");
            timed("latest 5 posts of everybody", () -> social.globalLatest(5))
                    .forEach(p -> System.out.printf("    %s  %s%n", p.getCreatedAt(), p.getBody()));

            section("trending authors of the last 7 days (fan-out GROUP BY, counts summed across shards)");
            Instant since = SeedData.START.plusSeconds(23L * 24 * 3600);
            timed("top 5 authors", () -> social.trendingAuthors(since, 5))
                    .forEach(r -> System.out.printf("    user%-6s %,5d posts%n", r[0], (Long) r[1]));

            section("a follow that fails half-way is compensated");
            SagaResult ok = timed("follow user2 -> user3", () -> social.follow(2L, 3L, Instant.now()));
            System.out.printf("  %s: %s%n", ok.id(), ok.outcome());
            SagaResult failed = timed("follow user2 -> user999999 (does not exist)", () -> social.follow(2L, 999_999L, Instant.now()));
            System.out.printf("  %s: %s (%s)%n", failed.id(), failed.outcome(), failed.reason());
            System.out.printf("  user2 follows user999999? %s (the first step's row on user2's shard was removed)%n",
                    social.followees(2L).contains(999_999L));
            SagaResult unfollow = timed("unfollow user2 -> user3", () -> social.unfollow(2L, 3L));
            System.out.printf("  %s: %s%n", unfollow.id(), unfollow.outcome());

            section("guards");
            try {
                orm.inTransaction(1L, s -> s.persist(new User(keyOnAnotherShard(1L), "stray", "DE", Instant.now())));
            } catch (ShardRoutingException e) {
                System.out.println("  " + e.getMessage());
            }
            try {
                orm.repository(Following.class).findById(new Following.Pk(1L, 2L));
            } catch (ShardRoutingException e) {
                System.out.println("  " + e.getMessage());
            }

            section("per-shard statistics (orm.statistics(true): exact row counts)");
            System.out.print(orm.statistics(true).toTable().indent(2));
            System.out.println();
        }

        private List<Post> seedAll() {
            timed("countries (reference table, written to every shard)", () -> {
                SeedData.COUNTRIES.forEach(c -> orm.references().save(new Country(c.getCode(), c.getName())));
                return null;
            });
            timed(String.format("%,d users (saveAll: grouped per shard, batched)", USERS), () -> {
                social.registerAll(seed.userBatch());
                return null;
            });
            List<Post> posts = seed.postBatch(POSTS);
            timed(String.format("%,d posts (skewed authors)", POSTS), () -> {
                social.postAll(posts);
                return null;
            });
            timed(String.format("%,d comments (stored with the post's author)", COMMENTS), () -> {
                List<Comment> comments = new ArrayList<>(COMMENTS);
                for (int i = 0; i < COMMENTS; i++) {
                    Post p = posts.get(seed.random().nextInt(posts.size()));
                    comments.add(new Comment(p.getAuthorId(), p.getId(), seed.uniformUser(), "nice #" + i, p.getCreatedAt().plusSeconds(60)));
                }
                social.commentAll(comments);
                return null;
            });
            timed(String.format("%,d follows (each a 2-step saga across two shards)", FOLLOWS), () -> {
                for (long[] pair : seed.follows(FOLLOWS)) {
                    social.follow(pair[0], pair[1], SeedData.START);
                }
                return null;
            });
            return posts;
        }

        private void printDistribution() {
            Map<String, long[]> rows = social.rowsPerShard();
            System.out.printf("  %-5s", "shard");
            SocialService.countedTables().forEach(t -> System.out.printf(" %10s", t));
            System.out.println();
            long[] totals = new long[SocialService.countedTables().size()];
            long maxPosts = 0;
            for (Map.Entry<String, long[]> e : rows.entrySet()) {
                System.out.printf("  %-5s", e.getKey());
                for (int i = 0; i < totals.length; i++) {
                    System.out.printf(" %,10d", e.getValue()[i]);
                    totals[i] += e.getValue()[i];
                }
                maxPosts = Math.max(maxPosts, e.getValue()[1]);
                System.out.println();
            }
            double mean = (double) totals[1] / rows.size();
            System.out.printf("  post skew: the fullest shard holds %.2fx the mean (a few heavy authors dominate)%n", maxPosts / mean);
        }

        /** The user who follows the most others: a fan-out GROUP BY over every shard's "following" rows. */
        private long mostFollowingUser() {
            List<Object[]> top = orm.query("select f.followerId, count(f) from Following f group by f.followerId "
                    + "order by count(f) desc, f.followerId", Object[].class).limit(1).list();
            return top.isEmpty() ? 1L : ((Number) top.get(0)[0]).longValue();
        }

        private long keyOnAnotherShard(long key) {
            long k = key + 1;
            while (orm.shardOf(k).equals(orm.shardOf(key))) {
                k++;
            }
            return k;
        }
    }

    private static void section(String title) {
        System.out.println("== " + title);
    }

    private static <T> T timed(String what, Supplier<T> work) {
        long start = System.nanoTime();
        T result = work.get();
        System.out.printf("  %-62s %,8.1f ms%n", what, (System.nanoTime() - start) / 1e6);
        return result;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
