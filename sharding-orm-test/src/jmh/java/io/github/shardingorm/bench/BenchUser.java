package io.github.shardingorm.bench;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The entity of {@link KeyedCrudBenchmark}: its id is its shard key, so a point read routes by id alone. */
@Entity
@Table(name = "bench_user")
public class BenchUser {

    @Id
    @ShardKey
    Long id;

    String name;

    String email;

    protected BenchUser() {
    }

    BenchUser(long id) {
        this.id = id;
        this.name = "user " + id;
        this.email = "user" + id + "@example.org";
    }
}
