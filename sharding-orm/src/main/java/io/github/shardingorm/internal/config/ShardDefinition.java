package io.github.shardingorm.internal.config;

import javax.sql.DataSource;

/**
 * One configured shard: either a JDBC URL (sharding-orm runs a HikariCP pool for it, configured by
 * {@link PoolSettings}), or a {@code DataSource} the user manages (sharding-orm never configures or
 * closes it). {@link #toString()} masks the password and any password in the URL.
 */
public record ShardDefinition(
        String id,
        String jdbcUrl,
        String username,
        String password,
        DataSource dataSource) {

    public ShardDefinition(String id, String jdbcUrl, String username, String password) {
        this(id, jdbcUrl, username, password, null);
    }

    /** Whether the user manages this shard's pool (a DataSource was given). */
    public boolean userManaged() {
        return dataSource != null;
    }

    @Override
    public String toString() {
        return "ShardDefinition{id=" + id + (userManaged() ? ", dataSource=" + dataSource.getClass().getName()
                : ", url=" + JdbcUrls.mask(jdbcUrl) + ", username=" + username + ", password=" + (password == null ? "null" : "****"))
                + "}";
    }
}
