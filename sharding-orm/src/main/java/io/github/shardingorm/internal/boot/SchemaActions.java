package io.github.shardingorm.internal.boot;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.internal.jdbc.ShardPools;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.boot.Metadata;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.cfg.SchemaToolingSettings;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.tool.schema.Action;
import org.hibernate.tool.schema.spi.SchemaManagementToolCoordinator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link SchemaAction} to EVERY shard. Hibernate's schema tooling runs once per shard
 * with that shard's connection handed to it ({@code jakarta.persistence.schema-generation-connection}),
 * the same way Hibernate's own {@code SchemaManager} drives it.
 */
final class SchemaActions {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaActions.class);

    private SchemaActions() {
    }

    /**
     * Applies {@code action} to each shard, the shards in parallel (schema validation reads every
     * table's metadata: one round trip after another, so shards one after another were most of
     * start-up); adds one problem per shard that fails, in shard order.
     */
    static void apply(SchemaAction action, Metadata metadata, SessionFactoryImplementor sessionFactory,
                      ShardPools pools, List<String> shardIds, List<String> problems, List<Throwable> causes) {
        if (action == SchemaAction.NONE) {
            return;
        }
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(shardIds.size(), 4)), r -> {
                    Thread t = new Thread(r, "sharding-orm-schema");
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<java.util.concurrent.Future<Exception>> results = new java.util.ArrayList<>();
            for (String shard : shardIds) {
                results.add(executor.submit(() -> applyOn(action, metadata, sessionFactory, pools, shard)));
            }
            for (int i = 0; i < shardIds.size(); i++) {
                String shard = shardIds.get(i);
                Exception e;
                try {
                    e = results.get(i).get();
                } catch (java.util.concurrent.ExecutionException failure) {
                    e = failure.getCause() instanceof Exception cause ? cause : failure;
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    e = interrupted;
                }
                if (e != null) {
                    problems.add("schema " + action + " failed on shard '" + shard + "' (" + pools.maskedUrl(shard) + "): "
                            + e.getMessage());
                    causes.add(e);
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** The action on one shard; returns its failure, or null. */
    private static Exception applyOn(SchemaAction action, Metadata metadata, SessionFactoryImplementor sessionFactory,
                                     ShardPools pools, String shard) {
        long start = System.nanoTime();
        try (Connection connection = pools.connection(shard)) {
            connection.setAutoCommit(true);
            try {
                run(toHibernate(action), metadata, sessionFactory, connection);
            } finally {
                connection.setAutoCommit(false);
            }
            LOG.debug("schema {} on shard {} done in {} ms", action, shard, (System.nanoTime() - start) / 1_000_000);
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    private static void run(Action action, Metadata metadata, SessionFactoryImplementor sessionFactory, Connection connection) {
        Map<String, Object> properties = new HashMap<>(sessionFactory.getProperties());
        properties.put(SchemaToolingSettings.JAKARTA_HBM2DDL_DATABASE_ACTION, action);
        properties.put(SchemaToolingSettings.JAKARTA_HBM2DDL_SCRIPTS_ACTION, Action.NONE);
        properties.put(SchemaToolingSettings.JAKARTA_HBM2DDL_CREATE_SCHEMAS, false);
        properties.put(JdbcSettings.JAKARTA_HBM2DDL_CONNECTION, connection);
        SchemaManagementToolCoordinator.process(metadata, sessionFactory.getServiceRegistry(), properties, a -> { });
    }

    private static Action toHibernate(SchemaAction action) {
        return switch (action) {
            case CREATE -> Action.CREATE;
            case UPDATE -> Action.UPDATE;
            case VALIDATE -> Action.VALIDATE;
            case NONE -> Action.NONE;
        };
    }
}
