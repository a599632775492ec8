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
 * A comment on a post. It carries the POST AUTHOR's id as its shard key, so it lives next to the
 * post it belongs to (a post with its comments is one shard's local read), whoever wrote it.
 */
@Entity(name = "Comment")
@Table(name = "comments", indexes = @Index(name = "comments_post", columnList = "post_id"))
public class Comment {

    @Id
    @ShardedId
    private Long id;

    @ShardKey
    @Column(name = "post_author_id", nullable = false)
    private Long postAuthorId;

    @Column(name = "post_id", nullable = false)
    private Long postId;

    @Column(name = "commenter_id", nullable = false)
    private Long commenterId;

    @Column(nullable = false, length = 280)
    private String body;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Comment() {
    }

    public Comment(long postAuthorId, long postId, long commenterId, String body, Instant createdAt) {
        this.postAuthorId = postAuthorId;
        this.postId = postId;
        this.commenterId = commenterId;
        this.body = body;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public Long getPostId() {
        return postId;
    }

    public Long getCommenterId() {
        return commenterId;
    }

    public String getBody() {
        return body;
    }
}
