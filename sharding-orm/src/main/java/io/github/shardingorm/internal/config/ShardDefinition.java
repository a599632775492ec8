package io.github.shardingorm.internal.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * One configured shard. {@link #toString()} masks the password and any password in the URL.
 */
public record ShardDefinition(
        @NotBlank(message = "shard id must not be blank")
        @Pattern(regexp = "[A-Za-z0-9_-]{1,63}", message = "shard id must be 1-63 letters, digits, '_' or '-'")
        String id,
        @NotBlank(message = "JDBC URL must not be blank")
        String jdbcUrl,
        String username,
        String password) {

    @Override
    public String toString() {
        return "ShardDefinition{id=" + id + ", url=" + JdbcUrls.mask(jdbcUrl) + ", username=" + username
                + ", password=" + (password == null ? "null" : "****") + "}";
    }
}
