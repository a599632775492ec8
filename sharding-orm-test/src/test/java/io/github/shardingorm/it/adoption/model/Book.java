package io.github.shardingorm.it.adoption.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** A book: its @ShardKey is the @ManyToOne to its writer (the key is the writer's id), no duplicate column. */
@Entity(name = "Book")
@Table(name = "books")
public class Book {

    @Id
    private Long id;

    @ShardKey
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "writer_id")
    private Writer writer;

    private String title;

    protected Book() {
    }

    public Book(Long id, Writer writer, String title) {
        this.id = id;
        this.writer = writer;
        this.title = title;
    }

    public Long getId() {
        return id;
    }

    public Writer getWriter() {
        return writer;
    }

    public void setWriter(Writer writer) {
        this.writer = writer;
    }

    public String getTitle() {
        return title;
    }
}
