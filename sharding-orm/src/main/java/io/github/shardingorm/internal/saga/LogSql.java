package io.github.shardingorm.internal.saga;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;

/**
 * The few places where the write logs' SQL differs between PostgreSQL and other databases (H2,
 * which the samples run on): time arithmetic, "insert unless present", and IN lists instead of
 * arrays. Everything else is standard SQL both accept.
 */
final class LogSql {

    private LogSql() {
    }

    static boolean isPostgres(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }

    /** A timestamp {@code ?} milliseconds from now (the parameter is a long). */
    static String nowPlusMillis(Connection c) throws SQLException {
        return isPostgres(c) ? "now() + ? * interval '1 millisecond'" : "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)";
    }

    /** {@code (?, ?, ...)} with {@code count} placeholders (at least one). */
    static String placeholders(int count) {
        return "(" + String.join(", ", Collections.nCopies(Math.max(1, count), "?")) + ")";
    }
}
