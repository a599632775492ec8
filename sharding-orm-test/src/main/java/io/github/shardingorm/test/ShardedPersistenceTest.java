package io.github.shardingorm.test;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.test.internal.ShardedPersistenceExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a running {@link io.github.shardingorm.ShardedPersistence} over
 * {@link #shards()} fresh PostgreSQL shard databases (the scope hibernate-testing's
 * {@code @DomainModel} + {@code @SessionFactory} give a plain Hibernate test):
 *
 * <pre>{@code
 * @ShardedPersistenceTest(shards = 4, entities = {User.class, Post.class})
 * class TimelineIT {
 *     @Test
 *     void postsLiveWithTheirAuthor(ShardedPersistence orm, ShardDatabases shards) { ... }
 * }
 * }</pre>
 *
 * <p>Parameters of type {@code ShardedPersistence} and {@link ShardDatabases} are injected into
 * the constructor, {@code @BeforeAll}/{@code @BeforeEach} and test methods. After EVERY test the
 * extension checks with {@link ShardPlacement} that each row sits on the shard its key routes
 * to, and fails the test otherwise. The unit is closed and the databases dropped after the class.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(ShardedPersistenceExtension.class)
public @interface ShardedPersistenceTest {

    /** Number of shard databases, named {@code s0..s{n-1}}. */
    int shards() default 4;

    /** The entity classes (a {@link #configurer()} may add more). */
    Class<?>[] entities() default {};

    /** Schema action applied to every shard at start. */
    SchemaAction schema() default SchemaAction.CREATE;

    /**
     * Settings as {@code key=value}: {@code hibernate.*} and {@code jakarta.persistence.*} go to
     * Hibernate (e.g. {@code "jakarta.persistence.validation.mode=CALLBACK"}), {@code sharding.pool.*}
     * to every pool.
     */
    String[] properties() default {};

    /** Bends the unit further before it is built: sagas, a strategy, reference tables, any builder setting. */
    Class<? extends ShardedPersistenceConfigurer> configurer() default ShardedPersistenceConfigurer.None.class;

    /** Whether to run the placement check after each test. */
    boolean checkPlacement() default true;
}
