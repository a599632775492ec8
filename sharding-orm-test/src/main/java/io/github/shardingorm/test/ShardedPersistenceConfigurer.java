package io.github.shardingorm.test;

import io.github.shardingorm.ShardedPersistenceBuilder;

/**
 * Bends the unit {@link ShardedPersistenceTest} starts: called with the builder after the shards,
 * the entities, the schema action, the pool size and the annotation's {@code properties} were set,
 * before {@code build()}. Register sagas, a strategy, reference-table entities, Hibernate settings,
 * HikariCP settings... Implementations need a public (or package-visible) no-argument constructor.
 *
 * <pre>{@code
 * @ShardedPersistenceTest(shards = 4, entities = {User.class, Post.class}, configurer = SocialIT.Setup.class)
 * class SocialIT {
 *     static final class Setup implements ShardedPersistenceConfigurer {
 *         public void configure(ShardedPersistenceBuilder builder) {
 *             builder.saga(FollowSaga.definition()).strategy(ShardingStrategies.consistentHash(64));
 *         }
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ShardedPersistenceConfigurer {

    /** Adds settings to the builder; must not call {@code build()}. */
    void configure(ShardedPersistenceBuilder builder);

    /** The default: changes nothing. */
    final class None implements ShardedPersistenceConfigurer {
        @Override
        public void configure(ShardedPersistenceBuilder builder) {
        }
    }
}
