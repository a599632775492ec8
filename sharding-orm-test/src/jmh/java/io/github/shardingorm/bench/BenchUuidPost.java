package io.github.shardingorm.bench;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.util.UUID;

/** A post routed by a UUID key: the UUID-key case of {@link RoutingBenchmark}. */
@Entity
public class BenchUuidPost {

    @Id
    Long id;

    @ShardKey
    UUID authorUuid;

    String title;

    protected BenchUuidPost() {
    }

    BenchUuidPost(Long id, UUID authorUuid, String title) {
        this.id = id;
        this.authorUuid = authorUuid;
        this.title = title;
    }
}
