package io.github.shardingorm.it.adoption.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;

/** A writer: its id is its shard key; its books live with it. */
@Entity(name = "Writer")
@Table(name = "writers")
public class Writer {

    @Id
    @ShardKey
    private Long id;

    private String name;

    @OneToMany(mappedBy = "writer")
    private List<Book> books = new ArrayList<>();

    protected Writer() {
    }

    public Writer(Long id, String name) {
        this.id = id;
        this.name = name;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public List<Book> getBooks() {
        return books;
    }
}
