package io.github.shardingorm.it.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A customer placed by region (directory strategy) with a plain assigned id. */
@Entity(name = "Customer")
@Table(name = "customers")
public class Customer {

    @Id
    private Long id;

    @ShardKey
    private String region;

    private String name;

    protected Customer() {
    }

    public Customer(Long id, String region, String name) {
        this.id = id;
        this.region = region;
        this.name = name;
    }

    public Long getId() {
        return id;
    }

    public String getRegion() {
        return region;
    }

    public String getName() {
        return name;
    }
}
