package io.github.shardingorm.bench;

import java.util.List;

/** One way of doing keyed CRUD on {@link BenchUser}: through sharding-orm, or plain Hibernate. */
interface CrudStack extends AutoCloseable {

    /** Persists a new user in its own transaction. */
    void insert(BenchUser user);

    /** Saves a user with an assigned id in its own transaction (merge: what a repository's save does). */
    BenchUser save(BenchUser user);

    /** Loads a user by id in its own (read) transaction; null when absent. */
    BenchUser findById(long id);

    /** Inserts many users in as few transactions as possible (set-up only, not measured). */
    void load(List<BenchUser> users);

    @Override
    void close();
}
