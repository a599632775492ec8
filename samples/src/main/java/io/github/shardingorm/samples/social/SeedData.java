package io.github.shardingorm.samples.social;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A realistic, skewed, reproducible dataset: a few users post and get followed a lot, most
 * rarely (Zipf-like), over a month of timestamps.
 */
public final class SeedData {

    public static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
    public static final List<Country> COUNTRIES = List.of(
            new Country("DE", "Germany"), new Country("FR", "France"), new Country("US", "United States"),
            new Country("BR", "Brazil"), new Country("JP", "Japan"), new Country("IN", "India"),
            new Country("NG", "Nigeria"), new Country("SE", "Sweden"));

    private final Random random;
    private final int users;

    public SeedData(long seed, int users) {
        this.random = new Random(seed);
        this.users = users;
    }

    public int users() {
        return users;
    }

    /** A user id drawn with a heavy head: user 1 is the most active, user N the least. */
    public long skewedUser() {
        return 1 + (long) (users * Math.pow(random.nextDouble(), 3));
    }

    public long uniformUser() {
        return 1 + random.nextInt(users);
    }

    public List<User> userBatch() {
        List<User> batch = new ArrayList<>(users);
        for (long id = 1; id <= users; id++) {
            String country = COUNTRIES.get((int) (id % COUNTRIES.size())).getCode();
            batch.add(new User(id, "user" + id, country, START.plusSeconds(id * 17)));
        }
        return batch;
    }

    public List<Post> postBatch(int count) {
        List<Post> batch = new ArrayList<>(count);
        long span = Duration.ofDays(30).toSeconds();
        for (int i = 0; i < count; i++) {
            long author = skewedUser();
            Instant at = START.plusSeconds((long) (span * ((double) i / count)) + random.nextInt(60));
            batch.add(new Post(author, "post #" + i + " by user" + author, at));
        }
        return batch;
    }

    /** Pairs (follower, followee), no self-follows; followees skewed towards popular users. */
    public List<long[]> follows(int count) {
        List<long[]> pairs = new ArrayList<>(count);
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (pairs.size() < count) {
            long follower = uniformUser();
            long followee = skewedUser();
            if (follower != followee && seen.add(follower + ">" + followee)) {
                pairs.add(new long[] {follower, followee});
            }
        }
        return pairs;
    }

    public Random random() {
        return random;
    }
}
