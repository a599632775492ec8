package io.github.shardingorm.it.model;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A post: lives with its author (key = authorId), with a shard-aware id. */
@Entity(name = "Post")
@Table(name = "posts")
public class Post {

    @Id
    @ShardedId
    private Long id;

    @ShardKey
    @Column(name = "author_id", nullable = false)
    private Long authorId;

    private String body;

    protected Post() {
    }

    public Post(Long authorId, String body) {
        this.authorId = authorId;
        this.body = body;
    }

    public Long getId() {
        return id;
    }

    public Long getAuthorId() {
        return authorId;
    }

    public void setAuthorId(Long authorId) {
        this.authorId = authorId;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }
}
