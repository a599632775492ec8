package io.github.shardingorm.it.writes.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A user's wallet, keyed by the user id; lives in a country (a reference entity, joined by code). */
@Entity(name = "Wallet")
@Table(name = "wallets")
public class Wallet {

    @Id
    @ShardKey
    private Long userId;

    private long balance;

    @Column(name = "country_code")
    private String countryCode;

    protected Wallet() {
    }

    public Wallet(Long userId, long balance, String countryCode) {
        this.userId = userId;
        this.balance = balance;
        this.countryCode = countryCode;
    }

    public Long getUserId() {
        return userId;
    }

    public long getBalance() {
        return balance;
    }

    public void add(long amount) {
        this.balance += amount;
    }
}
