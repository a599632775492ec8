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
 * "follower follows followee", stored on the FOLLOWER's shard: answers "whom do I follow?"
 * (the home timeline) with one shard. Its twin {@link Follower} sits on the followee's shard; a
 * follow saga writes both.
 */
@Entity(name = "Following")
@Table(name = "following")
@IdClass(Following.Pk.class)
public class Following {

    @Id
    @ShardKey
    @Column(name = "follower_id")
    private Long followerId;

    @Id
    @Column(name = "followee_id")
    private Long followeeId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Following() {
    }

    public Following(long followerId, long followeeId, Instant createdAt) {
        this.followerId = followerId;
        this.followeeId = followeeId;
        this.createdAt = createdAt;
    }

    public Long getFollowerId() {
        return followerId;
    }

    public Long getFolloweeId() {
        return followeeId;
    }

    /** The composite id. */
    public static class Pk implements Serializable {
        private static final long serialVersionUID = 1L;
        private Long followerId;
        private Long followeeId;

        public Pk() {
        }

        public Pk(Long followerId, Long followeeId) {
            this.followerId = followerId;
            this.followeeId = followeeId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pk pk && Objects.equals(followerId, pk.followerId) && Objects.equals(followeeId, pk.followeeId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(followerId, followeeId);
        }

        @Override
        public String toString() {
            return "(followerId=" + followerId + ", followeeId=" + followeeId + ")";
        }
    }
}
