package io.github.shardingorm.it.cache.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** Cached NONSTRICT_READ_WRITE and with an association: refused by the cache at start-up. */
@Entity(name = "CachedLedger")
@Table(name = "cached_ledger")
@Cache(usage = CacheConcurrencyStrategy.NONSTRICT_READ_WRITE)
public class Ledger {

    @Id
    private Long id;

    @ShardKey
    private long owner;

    @ManyToOne
    private Ledger parent;

    protected Ledger() {
    }
}
