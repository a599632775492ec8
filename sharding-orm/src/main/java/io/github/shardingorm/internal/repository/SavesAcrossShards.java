package io.github.shardingorm.internal.repository;

import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.query.ShardedQueries;
import io.github.shardingorm.internal.routing.ShardRouter;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.SessionFactory;

/**
 * {@code ShardedPersistence.saveAll}: a batch of entities of any sharded types (a user with its
 * posts), routed as a whole before anything is written, then saved like a repository's
 * {@code saveAll} ({@link BatchSave}). One instance per persistence unit, shared by its repositories.
 */
public final class SavesAcrossShards {

    final BatchSave batches;

    public SavesAcrossShards(ShardRouter router, ShardSessions sessions, SessionFactory sessionFactory, ShardedQueries queries) {
        this.batches = new BatchSave(router, sessions, sessionFactory, queries.scatter());
    }

    /** Saves every entity on the shard of its key; returns them in the order given (merged copies for existing rows). */
    public List<Object> saveAll(Iterable<?> entities) {
        if (entities == null) {
            throw new IllegalArgumentException("entities must not be null");
        }
        List<Object> input = new ArrayList<>();
        for (Object entity : entities) {
            input.add(entity);
        }
        return batches.saveAll(input, "entities");
    }
}
