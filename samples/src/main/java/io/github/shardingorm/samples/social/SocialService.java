package io.github.shardingorm.samples.social;

import io.github.shardingorm.ShardScope;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.saga.SagaArguments;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.saga.SagaResult;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/**
 * The social app's use cases on sharding-orm. Each method says how it is routed: one shard
 * (keyed), a few shards (a keyed IN list), every shard (fan-out), or a saga across two shards.
 */
public final class SocialService {

    /** The saga that writes both halves of a follow: "following" on the follower's shard, "follower" on the followee's. */
    public static final String FOLLOW = "social.follow";
    /** The saga that removes both halves of a follow. */
    public static final String UNFOLLOW = "social.unfollow";

    private final ShardedPersistence orm;
    private final ShardedRepository<User, Long> users;
    private final ShardedRepository<Post, Long> posts;
    private final ShardedRepository<Comment, Long> comments;

    public SocialService(ShardedPersistence orm) {
        this.orm = orm;
        this.users = orm.repository(User.class);
        this.posts = orm.repository(Post.class);
        this.comments = orm.repository(Comment.class);
    }

    /** The entity classes the app maps. */
    public static Class<?>[] entities() {
        return new Class<?>[] {Country.class, User.class, Post.class, Comment.class, Following.class, Follower.class};
    }

    /** The sagas to register on the builder (on every instance, so recovery finds them). */
    public static List<SagaDefinition> sagas() {
        SagaDefinition follow = SagaDefinition.named(FOLLOW)
                .step("add-following", a -> a.getLong("follower"),
                        (s, a) -> addFollowing(s, a), (s, a) -> removeFollowing(s, a))
                .step("add-follower", a -> a.getLong("followee"),
                        (s, a) -> {
                            if (s.find(User.class, a.getLong("followee")) == null) {
                                throw new IllegalArgumentException("user " + a.getLong("followee") + " does not exist");
                            }
                            addFollower(s, a);
                        },
                        (s, a) -> removeFollower(s, a))
                .build();
        SagaDefinition unfollow = SagaDefinition.named(UNFOLLOW)
                .step("remove-following", a -> a.getLong("follower"),
                        (s, a) -> removeFollowing(s, a), (s, a) -> addFollowing(s, a))
                .step("remove-follower", a -> a.getLong("followee"),
                        (s, a) -> removeFollower(s, a), (s, a) -> addFollower(s, a))
                .build();
        return List.of(follow, unfollow);
    }

    // ---------------------------------------------------------------------------------------------
    // Writes

    /** Registers a user on the shard of its id. */
    public User register(long id, String handle, String countryCode, Instant at) {
        return users.save(new User(id, handle, countryCode, at));
    }

    /** Registers many users: grouped per shard, batched. */
    public void registerAll(List<User> newUsers) {
        users.saveAll(newUsers);
    }

    /** Posts on the author's shard; the id carries the author's bucket. */
    public Post post(long authorId, String body, Instant at) {
        return posts.save(new Post(authorId, body, at));
    }

    public void postAll(List<Post> newPosts) {
        posts.saveAll(newPosts);
    }

    /** Comments live with the post (keyed by the post's author), whoever writes them. */
    public Comment comment(Post post, long commenterId, String body, Instant at) {
        return comments.save(new Comment(post.getAuthorId(), post.getId(), commenterId, body, at));
    }

    public void commentAll(List<Comment> newComments) {
        comments.saveAll(newComments);
    }

    /** A follow spans two shards: a saga writes both rows or, if the second step fails, undoes the first. */
    public SagaResult follow(long follower, long followee, Instant at) {
        return orm.sagas().start(FOLLOW, Map.of("follower", follower, "followee", followee, "at", at));
    }

    public SagaResult unfollow(long follower, long followee) {
        return orm.sagas().start(UNFOLLOW, Map.of("follower", follower, "followee", followee, "at", Instant.EPOCH));
    }

    // ---------------------------------------------------------------------------------------------
    // Reads

    /** Whom a user follows: one shard (the user's). */
    public List<Long> followees(long userId) {
        return orm.query("select f.followeeId from Following f where f.followerId = :u", Long.class)
                .param("u", userId).list();
    }

    /** Who follows a user: one shard (the user's). */
    public List<Long> followers(long userId) {
        return orm.query("select f.followerId from Follower f where f.followeeId = :u", Long.class)
                .param("u", userId).list();
    }

    /**
     * The home timeline: the newest posts of everyone the user follows. Two routed queries: the
     * followees on the user's shard, then their posts on only the shards that hold them (a keyed
     * IN list), merged by date and cut to {@code limit}.
     */
    public List<Post> homeTimeline(long userId, int limit) {
        List<Long> followees = followees(userId);
        if (followees.isEmpty()) {
            return List.of();
        }
        return posts.query("select p from Post p where p.authorId in :authors order by p.createdAt desc, p.id desc")
                .param("authors", followees).limit(limit).list();
    }

    /**
     * A profile: the user, its country (a reference table joined locally) and its counts, all on one
     * shard. Written the standard way, as an existing JPA application has it: a plain EntityManager and
     * JPQL; the one line sharding-orm adds is the scope that binds the user's shard to this thread.
     */
    public Profile profile(long userId, int latest) {
        try (ShardScope scope = orm.bind(userId)) {
            EntityManager em = orm.sessionFactory().createEntityManager();
            try {
                em.getTransaction().begin();
                User user = em.find(User.class, userId);
                if (user == null) {
                    return null;
                }
                Country country = em.find(Country.class, user.getCountryCode());
                long postCount = em.createQuery("select count(p) from Post p where p.authorId = :u", Long.class)
                        .setParameter("u", userId).getSingleResult();
                long followerCount = em.createQuery("select count(f) from Follower f where f.followeeId = :u", Long.class)
                        .setParameter("u", userId).getSingleResult();
                long followingCount = em.createQuery("select count(f) from Following f where f.followerId = :u", Long.class)
                        .setParameter("u", userId).getSingleResult();
                List<Post> recent = em.createQuery("select p from Post p where p.authorId = :u order by p.createdAt desc, p.id desc",
                        Post.class).setParameter("u", userId).setMaxResults(latest).getResultList();
                em.getTransaction().commit();
                return new Profile(user, country == null ? "?" : country.getName(), postCount, followerCount, followingCount, recent);
            } finally {
                if (em.getTransaction().isActive()) {
                    em.getTransaction().rollback();
                }
                em.close();
            }
        }
    }

    /** The newest posts of everybody: a fan-out to every shard, k-way merged by date. */
    public List<Post> globalLatest(int limit) {
        return posts.query("select p from Post p order by p.createdAt desc, p.id desc").limit(limit).list();
    }

    /** The most active authors since a moment: a fan-out GROUP BY, counts summed across shards, then ordered. */
    public List<Object[]> trendingAuthors(Instant since, int limit) {
        return orm.query("select p.authorId, count(p) from Post p where p.createdAt >= :since "
                        + "group by p.authorId order by count(p) desc, p.authorId", Object[].class)
                .param("since", since).limit(limit).list();
    }

    /** Rows of each table on each shard (each shard counted on its own). */
    public Map<String, long[]> rowsPerShard() {
        Map<String, long[]> result = new java.util.LinkedHashMap<>();
        for (String shard : orm.shardIds()) {
            result.put(shard, orm.fromTransactionOnShard(shard, s -> new long[] {
                    count(s, "User"), count(s, "Post"), count(s, "Comment"), count(s, "Following"), count(s, "Follower")}));
        }
        return result;
    }

    /** Column names of {@link #rowsPerShard()}. */
    public static List<String> countedTables() {
        return List.of("users", "posts", "comments", "following", "followers");
    }

    private static long count(Session s, String entity) {
        return s.createQuery("select count(e) from " + entity + " e", Long.class).getSingleResult();
    }

    /** A user's profile page. */
    public record Profile(User user, String country, long posts, long followers, long following, List<Post> recent) {
    }

    // ---------------------------------------------------------------------------------------------
    // Saga steps: idempotent, deterministic in the arguments.

    private static void addFollowing(Session s, SagaArguments a) {
        long follower = a.getLong("follower");
        long followee = a.getLong("followee");
        if (s.find(Following.class, new Following.Pk(follower, followee)) == null) {
            s.persist(new Following(follower, followee, a.getInstant("at")));
        }
    }

    private static void removeFollowing(Session s, SagaArguments a) {
        Following f = s.find(Following.class, new Following.Pk(a.getLong("follower"), a.getLong("followee")));
        if (f != null) {
            s.remove(f);
        }
    }

    private static void addFollower(Session s, SagaArguments a) {
        long follower = a.getLong("follower");
        long followee = a.getLong("followee");
        if (s.find(Follower.class, new Follower.Pk(followee, follower)) == null) {
            s.persist(new Follower(followee, follower, a.getInstant("at")));
        }
    }

    private static void removeFollower(Session s, SagaArguments a) {
        Follower f = s.find(Follower.class, new Follower.Pk(a.getLong("followee"), a.getLong("follower")));
        if (f != null) {
            s.remove(f);
        }
    }

}
