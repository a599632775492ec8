package io.github.shardingorm.test;

import io.github.shardingorm.test.internal.PostgresServersExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class {@link #count()} private PostgreSQL servers, each its own process on its own
 * port, started from local PostgreSQL binaries (see {@link PostgresTestSettings#BIN_PROPERTY}).
 * Use them to test what one database cannot show: a shard that crashes ({@link PostgresServer#kill()}),
 * a setting that needs a restart, a streaming replica ({@link PostgresServer#createReplica()}).
 *
 * <p>The servers start in parallel before the first test of the class and are stopped and deleted
 * after the last one, even when tests fail. Declare a {@link PostgresServerGroup} parameter on the
 * constructor or on any {@code @BeforeAll}, {@code @BeforeEach} or test method to receive them.
 * For servers outside a test class use {@link PostgresServerGroup#start(int, String...)}.
 *
 * <p>When no binaries are found the class fails with a {@link PostgresTestException} that says how
 * to install them; it is never skipped.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PostgresServersExtension.class)
public @interface PostgresServers {

    /**
     * @return the number of servers, at least 1; default 2
     */
    int count() default 2;

    /**
     * @return extra {@code postgresql.conf} settings as {@code "name=value"}, applied to every
     *     server, for example {@code "max_prepared_transactions=10"}; default none
     */
    String[] settings() default {};
}
