package io.github.shardingorm.internal.config;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Checks a {@link ShardingConfiguration} as a whole: bean constraints through Hibernate Validator,
 * then the rules that span fields. Returns problems instead of throwing, so start-up can report
 * them together with the strategy's and the entities' problems.
 */
public final class ConfigurationValidator {

    /** Settings sharding-orm owns; a user value would silently break routing or schema handling. */
    private static final List<String> RESERVED_PREFIXES = List.of(
            "hibernate.connection.", "jakarta.persistence.jdbc.", "javax.persistence.jdbc.",
            "hibernate.multi_tenant", "hibernate.tenant_identifier_resolver",
            "hibernate.hbm2ddl.auto", "jakarta.persistence.schema-generation.database.action");

    private ConfigurationValidator() {
    }

    public static List<String> validate(ShardingConfiguration configuration) {
        List<String> problems = new ArrayList<>();
        try (ValidatorFactory factory = Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator(Set.of(Locale.ROOT), Locale.ROOT, false))
                .buildValidatorFactory()) {
            Validator validator = factory.getValidator();
            validator.validate(configuration).stream()
                    .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                    .map(ConfigurationValidator::describe)
                    .forEach(problems::add);
        }
        Set<String> seen = new HashSet<>();
        for (ShardDefinition shard : configuration.shards()) {
            if (shard.id() != null && !seen.add(shard.id())) {
                problems.add("duplicate shard id '" + shard.id() + "'");
            }
        }
        java.util.Map<ShardDefinition, DatabaseIdentity> databases = new java.util.LinkedHashMap<>();
        for (ShardDefinition shard : configuration.shards()) {
            if (shard.jdbcUrl() == null || shard.jdbcUrl().isBlank()) {
                continue;
            }
            DatabaseIdentity identity = DatabaseIdentity.of(shard.jdbcUrl());
            for (java.util.Map.Entry<ShardDefinition, DatabaseIdentity> earlier : databases.entrySet()) {
                if (shard.jdbcUrl().equals(earlier.getKey().jdbcUrl())) {
                    problems.add("shard '" + shard.id() + "' uses the same JDBC URL as another shard ("
                            + JdbcUrls.mask(shard.jdbcUrl())
                            + "): two shards in one database would see each other's rows");
                    break;
                }
                if (identity != null && identity.sameAs(earlier.getValue())) {
                    problems.add("shard '" + shard.id() + "' (" + JdbcUrls.mask(shard.jdbcUrl()) + ") is the same database as shard '"
                            + earlier.getKey().id() + "' (" + JdbcUrls.mask(earlier.getKey().jdbcUrl()) + "): " + identity
                            + "; two shards in one database would see each other's rows");
                    break;
                }
            }
            databases.put(shard, identity);
        }
        for (String shardId : configuration.pools().maximumPoolSizes().keySet()) {
            if (!seen.contains(shardId)) {
                problems.add("maximum pool size set for unknown shard '" + shardId + "' (configured: " + seen + ")");
            }
            int size = configuration.pools().maximumPoolSizes().get(shardId);
            if (size < 1 || size > 1000) {
                problems.add("maximum pool size of shard '" + shardId + "' must be between 1 and 1000 but was " + size);
            }
        }
        configuration.pools().minimumIdles().forEach((shardId, idle) -> {
            if (!seen.contains(shardId)) {
                problems.add("minimum idle set for unknown shard '" + shardId + "' (configured: " + seen + ")");
            }
            if (idle < 0) {
                problems.add("minimum idle of shard '" + shardId + "' must be >= 0 but was " + idle);
            }
        });
        for (String key : configuration.sessions().hibernateProperties().keySet()) {
            for (String reserved : RESERVED_PREFIXES) {
                if (key.startsWith(reserved)) {
                    problems.add("Hibernate setting '" + key + "' is managed by sharding-orm: configure shards and the schema action on the builder instead");
                    break;
                }
            }
        }
        return problems;
    }

    private static String describe(ConstraintViolation<ShardingConfiguration> v) {
        String path = v.getPropertyPath().toString();
        return path + ": " + v.getMessage() + (path.endsWith("password") ? "" : " (was: " + v.getInvalidValue() + ")");
    }
}
