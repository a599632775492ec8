package io.github.shardingorm.samples.social;

import io.github.shardingorm.ReferenceTable;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A country: a small reference table copied to every shard, so any shard can join it locally. */
@Entity(name = "Country")
@Table(name = "countries")
@ReferenceTable
public class Country {

    @Id
    @Column(length = 2)
    private String code;

    @Column(nullable = false, length = 64)
    private String name;

    protected Country() {
    }

    public Country(String code, String name) {
        this.code = code;
        this.name = name;
    }

    public String getCode() {
        return code;
    }

    public String getName() {
        return name;
    }
}
