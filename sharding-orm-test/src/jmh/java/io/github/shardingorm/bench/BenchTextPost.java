package io.github.shardingorm.bench;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A post routed by a String key (e.g. a tenant or user handle): the String-key case of {@link RoutingBenchmark}. */
@Entity
public class BenchTextPost {

    @Id
    Long id;

    @ShardKey
    String authorHandle;

    String title;

    protected BenchTextPost() {
    }

    BenchTextPost(Long id, String authorHandle, String title) {
        this.id = id;
        this.authorHandle = authorHandle;
        this.title = title;
    }
}
