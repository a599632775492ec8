package io.github.shardingorm.internal.config;

/** Which JDBC URLs are PostgreSQL's: deadlines, probes and replicas rely on pgjdbc and PostgreSQL functions. */
public final class PostgresUrls {

    private PostgresUrls() {
    }

    public static boolean isPostgres(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:");
    }
}
