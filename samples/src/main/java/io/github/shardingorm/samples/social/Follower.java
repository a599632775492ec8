package io.github.shardingorm.samples.social;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * "followee is followed by follower", stored on the FOLLOWEE's shard: answers "who follows me?"
 * with one shard. Written together with its twin {@link Following} by the follow saga.
 */
@Entity(name = "Follower")
@Table(name = "followers")
@IdClass(Follower.Pk.class)
public class Follower {

    @Id
    @ShardKey
    @Column(name = "followee_id")
    private Long followeeId;

    @Id
    @Column(name = "follower_id")
    private Long followerId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Follower() {
    }

    public Follower(long followeeId, long followerId, Instant createdAt) {
        this.followeeId = followeeId;
        this.followerId = followerId;
        this.createdAt = createdAt;
    }

    public Long getFolloweeId() {
        return followeeId;
    }

    public Long getFollowerId() {
        return followerId;
    }

    /** The composite id. */
    public static class Pk implements Serializable {
        private static final long serialVersionUID = 1L;
        private Long followeeId;
        private Long followerId;

        public Pk() {
        }

        public Pk(Long followeeId, Long followerId) {
            this.followeeId = followeeId;
            this.followerId = followerId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pk pk && Objects.equals(followeeId, pk.followeeId) && Objects.equals(followerId, pk.followerId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(followeeId, followerId);
        }

        @Override
        public String toString() {
            return "(followeeId=" + followeeId + ", followerId=" + followerId + ")";
        }
    }
}
