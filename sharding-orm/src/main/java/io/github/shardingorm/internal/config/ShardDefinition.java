package io.github.shardingorm.internal.config;

import java.util.Map;
import javax.sql.DataSource;

/**
 * One configured shard: either a JDBC URL (sharding-orm runs a HikariCP pool for it, with the pool
 * settings of {@link PoolSettings} and {@code poolProperties} on top), or a {@code DataSource} the
 * user manages (sharding-orm never configures or closes it). {@link #toString()} masks the password
 * and any password in the URL.
 *
 * @param poolProperties this shard's HikariCP settings by HikariCP property name (over the global ones)
 */
public record ShardDefinition(
        String id,
        String jdbcUrl,
        String username,
        String password,
        DataSource dataSource,
        Map<String, Object> poolProperties) {

    public ShardDefinition {
        poolProperties = poolProperties == null ? Map.of() : Map.copyOf(poolProperties);
    }

    public ShardDefinition(String id, String jdbcUrl, String username, String password) {
        this(id, jdbcUrl, username, password, null, Map.of());
    }

    /** Whether the user manages this shard's pool (a DataSource was given). */
    public boolean userManaged() {
        return dataSource != null;
    }

    /** The same shard with one more HikariCP setting. */
    public ShardDefinition withPoolProperty(String name, Object value) {
        Map<String, Object> next = new java.util.LinkedHashMap<>(poolProperties);
        next.put(name, value);
        return new ShardDefinition(id, jdbcUrl, username, password, dataSource, next);
    }

    @Override
    public String toString() {
        return "ShardDefinition{id=" + id + (userManaged() ? ", dataSource=" + dataSource.getClass().getName()
                : ", url=" + JdbcUrls.mask(jdbcUrl) + ", username=" + username + ", password=" + (password == null ? "null" : "****"))
                + "}";
    }
}
