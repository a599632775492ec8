package io.github.shardingorm.samples.social;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A user of the social app. Its id is its shard key: everything a user owns lives on its shard. */
@Entity(name = "User")
@Table(name = "users")
public class User {

    @Id
    @ShardKey
    private Long id;

    @Column(nullable = false, length = 64)
    private String handle;

    @Column(name = "country_code", nullable = false, length = 2)
    private String countryCode;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected User() {
    }

    public User(long id, String handle, String countryCode, Instant createdAt) {
        this.id = id;
        this.handle = handle;
        this.countryCode = countryCode;
        this.createdAt = createdAt;
    }

    public String getCountryCode() {
        return countryCode;
    }

    public Long getId() {
        return id;
    }

    public String getHandle() {
        return handle;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
