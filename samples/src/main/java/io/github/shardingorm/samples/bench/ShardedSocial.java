package io.github.shardingorm.samples.bench;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.samples.social.SocialService;
import java.time.Instant;

/** The workload through sharding-orm: keyed writes, routed reads, a saga per follow. */
final class ShardedSocial implements SocialOperations {

    private final ShardedPersistence orm;
    private final SocialService social;

    ShardedSocial(ShardedPersistence orm) {
        this.orm = orm;
        this.social = new SocialService(orm);
    }

    SocialService service() {
        return social;
    }

    ShardedPersistence orm() {
        return orm;
    }

    @Override
    public String name() {
        return "sharding-orm, " + orm.shardIds().size() + " shards";
    }

    @Override
    public void post(long author, String body) {
        social.post(author, body, Instant.now());
    }

    @Override
    public int timeline(long user) {
        return social.homeTimeline(user, 20).size();
    }

    @Override
    public long profile(long user) {
        SocialService.Profile p = social.profile(user, 5);
        return p == null ? 0 : p.posts();
    }

    @Override
    public void follow(long follower, long followee) {
        SagaResult result = social.follow(follower, followee, Instant.now());
        if (result.outcome() != SagaOutcome.COMPLETED) {
            throw new IllegalStateException("follow " + follower + " -> " + followee + " ended " + result.outcome() + ": " + result.reason());
        }
    }

    @Override
    public void close() {
        orm.close();
    }

}
