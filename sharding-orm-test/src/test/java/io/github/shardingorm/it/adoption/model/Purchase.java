package io.github.shardingorm.it.adoption.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;

/** A purchase: lives with its shopper (key = shopperId); the id is a per-shard identity. */
@Entity(name = "Purchase")
@Table(name = "purchases")
public class Purchase {

    @Id
    @GeneratedValue
    private Long id;

    @ShardKey
    @Column(name = "shopper_id", nullable = false)
    private Long shopperId;

    private String item;

    private BigDecimal amount;

    protected Purchase() {
    }

    public Purchase(Long shopperId, String item, BigDecimal amount) {
        this.shopperId = shopperId;
        this.item = item;
        this.amount = amount;
    }

    public Long getId() {
        return id;
    }

    public Long getShopperId() {
        return shopperId;
    }

    public String getItem() {
        return item;
    }

    public BigDecimal getAmount() {
        return amount;
    }
}
