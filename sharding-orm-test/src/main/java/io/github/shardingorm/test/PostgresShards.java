package io.github.shardingorm.test;

import io.github.shardingorm.test.internal.PostgresShardsExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class {@link #count()} fresh, empty PostgreSQL databases, one per shard.
 *
 * <p>The databases are created before the first test of the class (on the source described in
 * {@link PostgresTestSettings}) and dropped after the last one. Declare a {@link ShardDatabases}
 * parameter on the constructor or on any {@code @BeforeAll}, {@code @BeforeEach} or test method
 * to receive them:
 *
 * <pre>{@code
 * @PostgresShards(count = 4)
 * class OrderRoutingIT {
 *     @Test
 *     void routesOrdersByCustomer(ShardDatabases shards) throws SQLException {
 *         try (Connection c = shards.get(0).connect()) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>When no PostgreSQL is available the class fails with a {@link PostgresTestException} that
 * says how to provide one; it is never skipped.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PostgresShardsExtension.class)
public @interface PostgresShards {

    /**
     * @return the number of shard databases, at least 1; default 2
     */
    int count() default 2;
}
