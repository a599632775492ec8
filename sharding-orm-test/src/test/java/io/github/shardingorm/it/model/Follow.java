package io.github.shardingorm.it.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A follow row on the follower's shard; its id (a per-shard sequence) does not route. */
@Entity(name = "Follow")
@Table(name = "follows")
public class Follow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ShardKey
    @Column(name = "follower_id")
    private int followerId;

    @Column(name = "followee_id")
    private long followeeId;

    protected Follow() {
    }

    public Follow(int followerId, long followeeId) {
        this.followerId = followerId;
        this.followeeId = followeeId;
    }

    public Long getId() {
        return id;
    }

    public int getFollowerId() {
        return followerId;
    }

    public long getFolloweeId() {
        return followeeId;
    }
}
