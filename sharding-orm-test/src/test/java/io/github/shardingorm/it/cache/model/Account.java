package io.github.shardingorm.it.cache.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An account whose id is NOT its shard key: the same id exists on every shard (the isolation the
 * caches must keep). {@link LoadHook} lets a race test stop a reader after its read, before its put.
 */
@Entity(name = "CachedAccount")
@Table(name = "cached_account")
@EntityListeners(LoadHook.class)
public class Account {

    @Id
    private Long id;

    @ShardKey
    private long owner;

    private String label;

    private long balance;

    protected Account() {
    }

    public Account(Long id, long owner, String label, long balance) {
        this.id = id;
        this.owner = owner;
        this.label = label;
        this.balance = balance;
    }

    public Long getId() {
        return id;
    }

    public long getOwner() {
        return owner;
    }

    public String getLabel() {
        return label;
    }

    public long getBalance() {
        return balance;
    }

    public void setBalance(long balance) {
        this.balance = balance;
    }

    public void setLabel(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return "Account{id=" + id + ", owner=" + owner + ", label=" + label + ", balance=" + balance + "}";
    }
}
