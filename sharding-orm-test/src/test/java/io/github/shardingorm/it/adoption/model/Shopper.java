package io.github.shardingorm.it.adoption.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A shopper of the plain JPA application: its id is its shard key. */
@Entity(name = "Shopper")
@Table(name = "shoppers")
public class Shopper {

    @Id
    @ShardKey
    private Long id;

    private String name;

    protected Shopper() {
    }

    public Shopper(Long id, String name) {
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
