package io.github.shardingorm.test.internal;


/** Rewrites and masks PostgreSQL JDBC URLs. */
final class JdbcUrls {

    private static final String PREFIX = "jdbc:postgresql:";

    private JdbcUrls() {
    }

    /**
     * @param url a PostgreSQL JDBC URL such as {@code jdbc:postgresql://host:5432/postgres?ssl=false}
     * @param database the database to point at instead
     * @return the same URL (hosts and parameters kept) naming {@code database}
     * @throws IllegalArgumentException when {@code url} is not a PostgreSQL JDBC URL
     */
    static String withDatabase(String url, String database) {
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (expected " + PREFIX + "//host:port/database): " + mask(url));
        }
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String parameters = query < 0 ? "" : url.substring(query);
        String rest = base.substring(PREFIX.length());
        if (!rest.startsWith("//")) {
            return PREFIX + database + parameters;
        }
        int slash = rest.indexOf('/', 2);
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        return PREFIX + hosts + "/" + database + parameters;
    }

    /** @return the URL with any {@code password=} parameter replaced by {@code ****} */
    /** The library's one masking rule (password parameters and user-info passwords). */
    static String mask(String url) {
        return io.github.shardingorm.internal.config.JdbcUrls.mask(url);
    }
}
