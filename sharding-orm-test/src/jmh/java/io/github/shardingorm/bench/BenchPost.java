package io.github.shardingorm.bench;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** A post routed by its author's id: the Long-key case of {@link RoutingBenchmark}. */
@Entity
public class BenchPost {

    @Id
    Long id;

    @ShardKey
    Long authorId;

    String title;

    protected BenchPost() {
    }

    BenchPost(Long id, Long authorId, String title) {
        this.id = id;
        this.authorId = authorId;
        this.title = title;
    }
}
