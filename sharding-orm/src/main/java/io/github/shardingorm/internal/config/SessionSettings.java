package io.github.shardingorm.internal.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.Map;

/**
 * The one Hibernate SessionFactory. Settings sharding-orm owns (connections, multi-tenancy,
 * schema) are refused among the pass-through properties by {@link ConfigurationValidator}.
 *
 * @param jdbcBatchSize       JDBC batch size of inserts and updates
 * @param hibernateProperties {@code hibernate.*} and {@code jakarta.persistence.*} settings, passed through
 */
public record SessionSettings(
        @Min(value = 1, message = "JDBC batch size must be at least 1")
        @Max(value = 10000, message = "JDBC batch size must be at most 10000")
        int jdbcBatchSize,
        Map<String, Object> hibernateProperties) {

    public SessionSettings {
        hibernateProperties = Map.copyOf(hibernateProperties);
    }
}
