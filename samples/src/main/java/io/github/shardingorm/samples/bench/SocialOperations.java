package io.github.shardingorm.samples.bench;

/** The social workload's operations, implemented once on sharding-orm and once on plain Hibernate. */
interface SocialOperations extends AutoCloseable {

    String name();

    /** Writes one post (one transaction). */
    void post(long author, String body);

    /** Reads the newest 20 posts of the users {@code user} follows; returns how many. */
    int timeline(long user);

    /** Reads a profile: the user, its post count and its 5 newest posts; returns the post count. */
    long profile(long user);

    /** Makes {@code follower} follow {@code followee} (both rows). */
    void follow(long follower, long followee);

    @Override
    void close();
}
