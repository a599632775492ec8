package io.github.shardingorm.it.query.model;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.math.BigDecimal;

/** An article: lives with its author (key = authorId); nullable columns with ties for the merge tests. */
@Entity(name = "Article")
@Table(name = "articles", indexes = @Index(name = "articles_created", columnList = "created_at"))
public class Article {

    @Id
    @ShardedId
    private Long id;

    @ShardKey
    @Column(name = "author_id", nullable = false)
    private Long authorId;

    @Column(name = "created_at")
    private Long createdAt;

    private Integer score;

    private String category;

    @Column(precision = 12, scale = 2)
    private BigDecimal price;

    private String body;

    protected Article() {
    }

    public Article(Long authorId, Long createdAt, Integer score, String category, BigDecimal price, String body) {
        this.authorId = authorId;
        this.createdAt = createdAt;
        this.score = score;
        this.category = category;
        this.price = price;
        this.body = body;
    }

    public Long getId() {
        return id;
    }

    public Long getAuthorId() {
        return authorId;
    }

    public Long getCreatedAt() {
        return createdAt;
    }

    public Integer getScore() {
        return score;
    }

    public String getCategory() {
        return category;
    }

    public BigDecimal getPrice() {
        return price;
    }

    public String getBody() {
        return body;
    }
}
