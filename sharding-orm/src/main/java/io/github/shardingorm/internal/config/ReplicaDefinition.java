package io.github.shardingorm.internal.config;


/**
 * One streaming replica of a shard. {@link #toString()} masks the password and any password in the URL.
 *
 * @param shardId  the shard whose primary it replicates
 * @param jdbcUrl  its JDBC URL
 * @param username the user (the shard's when not given)
 * @param password the password (the shard's when not given); never logged
 */
public record ReplicaDefinition(
        String shardId,
        String jdbcUrl,
        String username,
        String password) {

    @Override
    public String toString() {
        return "ReplicaDefinition{shard=" + shardId + ", url=" + JdbcUrls.mask(jdbcUrl) + ", username=" + username
                + ", password=" + (password == null ? "null" : "****") + "}";
    }
}
