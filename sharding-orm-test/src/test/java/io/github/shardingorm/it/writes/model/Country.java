package io.github.shardingorm.it.writes.model;

import io.github.shardingorm.ReferenceTable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A reference entity: copied to every shard. */
@ReferenceTable
@Entity(name = "Country")
@Table(name = "countries")
public class Country {

    @Id
    private String code;

    private String name;

    private Integer population;

    protected Country() {
    }

    public Country(String code, String name, Integer population) {
        this.code = code;
        this.name = name;
        this.population = population;
    }

    public String getCode() {
        return code;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getPopulation() {
        return population;
    }
}
