package io.github.shardingorm.it.adoption.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** A review lives with its reviewer, NOT with the book: a join to the book is not co-located. */
@Entity(name = "Review")
@Table(name = "reviews")
public class Review {

    @Id
    private Long id;

    @ShardKey
    @Column(name = "reviewer_id")
    private Long reviewerId;

    @ManyToOne
    private Book book;

    protected Review() {
    }

    public Review(Long id, Long reviewerId, Book book) {
        this.id = id;
        this.reviewerId = reviewerId;
        this.book = book;
    }
}
