package io.github.shardingorm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.samples.social.Country;
import io.github.shardingorm.samples.social.Post;
import io.github.shardingorm.samples.social.SeedData;
import io.github.shardingorm.samples.social.SocialService;
import io.github.shardingorm.samples.social.User;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardedPersistenceConfigurer;
import io.github.shardingorm.test.ShardedPersistenceTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The social app's use cases on 4 real PostgreSQL shards, each answer checked against what the
 * seeded data says it must be (computed in memory), and every row checked to sit on its shard (by
 * {@code @ShardedPersistenceTest}, after every test). The unit is the test support's, bent by a
 * configurer to register the app's sagas.
 */
@ShardedPersistenceTest(shards = 4, configurer = SocialServiceIT.SocialUnit.class,
        properties = "jakarta.persistence.validation.mode=NONE")
class SocialServiceIT {

    /** The social app's entities and sagas, as the app registers them. */
    static final class SocialUnit implements ShardedPersistenceConfigurer {
        @Override
        public void configure(ShardedPersistenceBuilder builder) {
            builder.entities(SocialService.entities());
            SocialService.sagas().forEach(builder::saga);
        }
    }

    private static ShardDatabases shards;
    private static ShardedPersistence orm;
    private static SocialService social;
    private static List<Post> posts;
    private static final Map<Long, List<Long>> FOLLOWEES = new HashMap<>();

    @BeforeAll
    static void seed(ShardedPersistence unit, ShardDatabases databases) {
        shards = databases;
        orm = unit;
        social = new SocialService(orm);
        SeedData seed = new SeedData(11, 300);
        SeedData.COUNTRIES.forEach(c -> orm.references().save(new Country(c.getCode(), c.getName())));
        social.registerAll(seed.userBatch());
        posts = seed.postBatch(3000);
        social.postAll(posts);
        for (long[] pair : seed.follows(200)) {
            assertEquals(SagaOutcome.COMPLETED, social.follow(pair[0], pair[1], SeedData.START).outcome());
            FOLLOWEES.computeIfAbsent(pair[0], k -> new ArrayList<>()).add(pair[1]);
        }
    }

    @Test
    void aFollowWritesBothHalvesOnTheirOwnShards() throws SQLException {
        long follower = 5;
        long followee = 6;
        while (followee == follower || FOLLOWEES.getOrDefault(follower, List.of()).contains(followee)
                || orm.shardOf(follower).equals(orm.shardOf(followee))) {
            followee++;
        }
        SagaResult result = social.follow(follower, followee, Instant.now());
        assertEquals(SagaOutcome.COMPLETED, result.outcome());
        String following = "select 1 from following where follower_id = " + follower + " and followee_id = " + followee;
        String followers = "select 1 from followers where followee_id = " + followee + " and follower_id = " + follower;
        assertEquals(List.of(orm.shardOf(follower)), holders(following));
        assertEquals(List.of(orm.shardOf(followee)), holders(followers));
        assertTrue(social.followees(follower).contains(followee));
        assertTrue(social.followers(followee).contains(follower));

        assertEquals(SagaOutcome.COMPLETED, social.unfollow(follower, followee).outcome());
        assertEquals(List.of(), holders(following));
        assertEquals(List.of(), holders(followers));
        assertEquals(FOLLOWEES.getOrDefault(follower, List.of()).stream().sorted().toList(),
                social.followees(follower).stream().sorted().toList());
    }

    @Test
    void aFollowOfAMissingUserIsCompensatedAndLeavesNoRow() throws SQLException {
        SagaResult result = social.follow(7L, 123_456_789L, Instant.now());
        assertEquals(SagaOutcome.COMPENSATED, result.outcome());
        assertNotNull(result.reason());
        assertTrue(result.reason().contains("123456789"), result.reason());
        assertEquals(List.of(), holders("select 1 from following where followee_id = 123456789"));
        assertEquals(List.of(), holders("select 1 from followers where followee_id = 123456789"));
    }

    @Test
    void theHomeTimelineIsTheNewestPostsOfTheFollowees() {
        int checked = 0;
        for (Map.Entry<Long, List<Long>> e : FOLLOWEES.entrySet()) {
            List<Long> expected = posts.stream().filter(p -> e.getValue().contains(p.getAuthorId()))
                    .sorted(Comparator.comparing(Post::getCreatedAt).thenComparing(Post::getId).reversed())
                    .limit(20).map(Post::getId).toList();
            List<Long> actual = social.homeTimeline(e.getKey(), 20).stream().map(Post::getId).toList();
            assertEquals(expected, actual, "timeline of user " + e.getKey());
            if (++checked == 25) {
                break;
            }
        }
    }

    @Test
    void globalLatestAndTrendingMatchTheSeededData() {
        List<Long> expectedLatest = posts.stream()
                .sorted(Comparator.comparing(Post::getCreatedAt).thenComparing(Post::getId).reversed())
                .limit(10).map(Post::getId).toList();
        assertEquals(expectedLatest, social.globalLatest(10).stream().map(Post::getId).toList());

        Instant since = SeedData.START.plusSeconds(20L * 24 * 3600);
        Map<Long, Long> counts = posts.stream().filter(p -> !p.getCreatedAt().isBefore(since))
                .collect(Collectors.groupingBy(Post::getAuthorId, Collectors.counting()));
        List<List<Long>> expected = counts.entrySet().stream()
                .sorted(Map.Entry.<Long, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(5).map(e -> List.of(e.getKey(), e.getValue())).toList();
        List<List<Long>> actual = social.trendingAuthors(since, 5).stream()
                .map(r -> List.of(((Number) r[0]).longValue(), ((Number) r[1]).longValue())).toList();
        assertEquals(expected, actual);
    }

    @Test
    void aProfileIsReadFromOneShardWithItsCountry() {
        User heavy = orm.repository(User.class).<User>findById(1L).orElseThrow();
        SocialService.Profile profile = social.profile(1L, 3);
        long expectedPosts = posts.stream().filter(p -> p.getAuthorId() == 1L).count();
        assertEquals(expectedPosts, profile.posts());
        String expectedCountry = SeedData.COUNTRIES.stream().filter(c -> c.getCode().equals(heavy.getCountryCode()))
                .findFirst().orElseThrow().getName();
        assertEquals(expectedCountry, profile.country());
        assertEquals(Math.min(3, expectedPosts), profile.recent().size());
        assertFalse(profile.recent().isEmpty());
    }

    @Test
    void rowsPerShardAddUpToTheSeededData() {
        long users = 0;
        long postRows = 0;
        for (long[] row : social.rowsPerShard().values()) {
            users += row[0];
            postRows += row[1];
        }
        assertEquals(300, users);
        assertEquals(posts.size(), postRows);
    }

    private static List<String> holders(String sql) throws SQLException {
        List<String> found = new ArrayList<>();
        for (ShardDatabase db : shards) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    found.add(db.id());
                }
            }
        }
        return found;
    }
}
