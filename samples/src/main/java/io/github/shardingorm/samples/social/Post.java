package io.github.shardingorm.samples.social;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A post. It carries its author's id as its shard key, so it lives on its author's shard; its
 * id is shard-aware, so a post can be found by id alone with no fan-out.
 */
@Entity(name = "Post")
@Table(name = "posts", indexes = @Index(name = "posts_author_created", columnList = "author_id, created_at"))
public class Post {

    @Id
    @ShardedId
    private Long id;

    @ShardKey
    @Column(name = "author_id", nullable = false)
    private Long authorId;

    @Column(nullable = false, length = 280)
    private String body;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Post() {
    }

    public Post(long authorId, String body, Instant createdAt) {
        this.authorId = authorId;
        this.body = body;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public Long getAuthorId() {
        return authorId;
    }

    public String getBody() {
        return body;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
