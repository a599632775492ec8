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
        Set<String> urls = new HashSet<>();
        for (ShardDefinition shard : configuration.shards()) {
            if (shard.jdbcUrl() != null && !shard.jdbcUrl().isBlank() && !urls.add(shard.jdbcUrl())) {
                problems.add("shard '" + shard.id() + "' uses the same JDBC URL as another shard ("
                        + JdbcUrls.mask(shard.jdbcUrl())
                        + "): two shards in one database would see each other's rows");
            }
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
        checkHealthAndReplicas(configuration, seen, urls, problems);
        return problems;
    }

    /** Per-shard deadlines name configured shards; replicas belong to configured shards, each URL once, never a shard's own. */
    private static void checkHealthAndReplicas(ShardingConfiguration configuration, Set<String> shards, Set<String> urls,
                                               List<String> problems) {
        HealthSettings health = configuration.health();
        for (String shardId : health.socketTimeouts().keySet()) {
            if (!shards.contains(shardId)) {
                problems.add("socket timeout set for unknown shard '" + shardId + "' (configured: " + shards + ")");
            }
        }
        for (String shardId : health.statementTimeouts().keySet()) {
            if (!shards.contains(shardId)) {
                problems.add("statement timeout set for unknown shard '" + shardId + "' (configured: " + shards + ")");
            }
        }
        Set<String> replicaUrls = new HashSet<>();
        for (ReplicaDefinition replica : configuration.replicas().replicas()) {
            if (!shards.contains(replica.shardId())) {
                problems.add("replica " + JdbcUrls.mask(replica.jdbcUrl()) + " of unknown shard '" + replica.shardId()
                        + "' (configured: " + shards + ")");
            } else if (!PostgresUrls.isPostgres(replica.jdbcUrl())) {
                problems.add("replica " + JdbcUrls.mask(replica.jdbcUrl()) + " of shard '" + replica.shardId()
                        + "' is not a PostgreSQL URL (jdbc:postgresql:...): replicas are PostgreSQL streaming replicas");
            } else if (urls.contains(replica.jdbcUrl())) {
                problems.add("replica of shard '" + replica.shardId() + "' uses the JDBC URL of a shard's primary ("
                        + JdbcUrls.mask(replica.jdbcUrl()) + ")");
            } else if (!replicaUrls.add(replica.jdbcUrl())) {
                problems.add("replica " + JdbcUrls.mask(replica.jdbcUrl()) + " is configured twice");
            }
        }
    }

    private static String describe(ConstraintViolation<ShardingConfiguration> v) {
        String path = v.getPropertyPath().toString();
        return path + ": " + v.getMessage() + (path.endsWith("password") ? "" : " (was: " + v.getInvalidValue() + ")");
    }
}
