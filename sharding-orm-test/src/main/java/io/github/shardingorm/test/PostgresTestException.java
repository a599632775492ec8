package io.github.shardingorm.test;

/**
 * Thrown when {@code sharding-orm-test} cannot provide or control a PostgreSQL database or server:
 * no source available, a server that does not start, a command that fails. The message says what
 * was attempted and, where it helps, how to fix it; the underlying {@link java.sql.SQLException}
 * or {@link java.io.IOException}, if any, is the cause.
 */
public class PostgresTestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and how to fix it; not null
     */
    public PostgresTestException(String message) {
        super(message);
    }

    /**
     * @param message what failed and how to fix it; not null
     * @param cause the underlying failure; may be null
     */
    public PostgresTestException(String message, Throwable cause) {
        super(message, cause);
    }
}
