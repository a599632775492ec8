package io.github.shardingorm.internal.config;

import java.util.Map;

/**
 * The one Hibernate SessionFactory. Settings sharding-orm owns (connections, multi-tenancy,
 * schema) are refused among the pass-through properties by {@link ConfigurationValidator}.
 *
 * @param jdbcBatchSize       JDBC batch size of inserts and updates
 * @param hibernateProperties {@code hibernate.*} and {@code jakarta.persistence.*} settings, passed through
 */
public record SessionSettings(
        int jdbcBatchSize,
        Map<String, Object> hibernateProperties) {

    public SessionSettings {
        hibernateProperties = Map.copyOf(hibernateProperties);
    }
}
