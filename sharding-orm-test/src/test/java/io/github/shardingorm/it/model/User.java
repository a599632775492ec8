package io.github.shardingorm.it.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A user: its id is its shard key. */
@Entity(name = "User")
@Table(name = "users")
public class User {

    @Id
    @ShardKey
    private Long id;

    private String name;

    protected User() {
    }

    public User(Long id, String name) {
        this.id = id;
        this.name = name;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
