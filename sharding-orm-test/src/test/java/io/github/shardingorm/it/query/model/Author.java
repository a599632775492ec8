package io.github.shardingorm.it.query.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An author: its id is its shard key; articles are co-located with it. */
@Entity(name = "Author")
@Table(name = "authors")
public class Author {

    @Id
    @ShardKey
    private Long id;

    private String name;

    private String region;

    protected Author() {
    }

    public Author(Long id, String name, String region) {
        this.id = id;
        this.name = name;
        this.region = region;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getRegion() {
        return region;
    }
}
