package io.github.shardingorm.it.adoption.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.validation.constraints.Size;

/** A user entity with a Bean Validation constraint of its own. */
@Entity(name = "Coded")
@Table(name = "coded")
public class Coded {

    @Id
    @ShardKey
    private Long id;

    @Size(max = 3)
    private String code;

    protected Coded() {
    }

    public Coded(Long id, String code) {
        this.id = id;
        this.code = code;
    }

    public Long getId() {
        return id;
    }

    public String getCode() {
        return code;
    }
}
