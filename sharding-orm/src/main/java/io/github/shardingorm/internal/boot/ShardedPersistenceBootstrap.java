package io.github.shardingorm.internal.boot;

import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.internal.cache.CacheRuntime;
import io.github.shardingorm.internal.config.ConfigurationValidator;
import io.github.shardingorm.internal.config.ObservabilitySettings;
import io.github.shardingorm.internal.config.ShardingConfiguration;
import io.github.shardingorm.internal.query.RoutingLog;
import io.github.shardingorm.internal.stats.Instrumentation;
import io.github.shardingorm.internal.stats.StatisticsRecorder;
import java.time.Duration;
import org.hibernate.persister.entity.AbstractEntityPersister;
import io.github.shardingorm.internal.hibernate.FenceStatementInspector;
import io.github.shardingorm.internal.hibernate.ShardConnectionProvider;
import io.github.shardingorm.internal.hibernate.ShardContext;
import io.github.shardingorm.internal.hibernate.ShardCurrentSessionContext;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.hibernate.ShardTenantResolver;
import io.github.shardingorm.internal.hibernate.ShardingIntegrator;
import io.github.shardingorm.internal.id.NodeIdClaim;
import io.github.shardingorm.internal.id.ShardingRuntime;
import java.util.function.LongSupplier;
import io.github.shardingorm.internal.jdbc.ShardJdbc;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.query.ShardedQueries;
import io.github.shardingorm.internal.routing.EntityModelScanner;
import io.github.shardingorm.internal.routing.BucketedHashStrategy;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.topology.TopologyRuntime;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.internal.writes.CrossShardRuntime;
import io.github.shardingorm.internal.writes.FaultInjector;
import io.github.shardingorm.spi.BucketedShardResolver;
import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import io.github.shardingorm.spi.ShardingStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hibernate.Hibernate;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.MetadataBuilder;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.BootstrapServiceRegistry;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.BatchSettings;
import org.hibernate.cfg.MultiTenancySettings;
import org.hibernate.cfg.SchemaToolingSettings;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: the one door from the API into the internals ({@code ShardedPersistenceBuilder.build()}
 * hands it the configuration; {@code PackageRulesTest} keeps it the only one). In the order that lets
 * every problem be reported at once and nothing be left running on failure:
 * <ol>
 *   <li>check the configuration (bean constraints and cross-field rules), bind the strategy and
 *       scan the entities, collecting problems; stop if there are any;</li>
 *   <li>start one pool per shard (and per replica) and check every shard is reachable (in parallel,
 *       within the connection timeout), and every replica is a replica of its shard; stop if any is
 *       not (an unreachable replica only starts DOWN); start the health probes;</li>
 *   <li>start ONE Hibernate SessionFactory whose tenants are the shards, with its caches (checked for
 *       shard safety, one invalidation listener per shard: {@code CacheRuntime});</li>
 *   <li>apply the schema action to every shard, including the write-log tables ({@code shorm_saga},
 *       {@code shorm_saga_step}, {@code shorm_2pc_decision}); check prepared-transaction support;</li>
 *   <li>read (or create) the stored topology and start following it ({@code internal.topology});</li>
 *   <li>start cross-shard writes: sagas, two-phase commit, and recovery (first pass at once).</li>
 * </ol>
 */
public final class ShardedPersistenceBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedPersistenceBootstrap.class);

    private ShardedPersistenceBootstrap() {
    }

    /** The write-log tables' DDL, for {@code ShardedPersistence.writeLogDdl()}. */
    public static List<String> writeLogDdl() {
        return io.github.shardingorm.internal.writes.WriteLogSchema.DDL;
    }

    /** Starts a persistence unit; {@link ShardingConfigurationException} lists every problem found. */
    public static ShardedPersistenceImpl start(ShardingConfiguration configuration) {
        List<String> problems = new ArrayList<>(ConfigurationValidator.validate(configuration));
        ShardRouter router = bindRouting(configuration, problems);
        CacheRuntime cache = CacheRuntime.create(configuration, problems);
        if (!problems.isEmpty()) {
            throw new ShardingConfigurationException(problems);
        }

        ShardPools pools = ShardPools.create(configuration.shards(), configuration.pools(), configuration.health(),
                configuration.replicas());
        Instrumentation instrumentation = instrumentation(configuration, router);
        for (String shard : configuration.shardIds()) {
            if (pools.pool(shard) != null) { // a user's own non-HikariCP DataSource has no Hikari meters
                instrumentation.poolStarted(shard, Instrumentation.PRIMARY, pools.pool(shard));
            }
            for (com.zaxxer.hikari.HikariDataSource replica : pools.replicaPools(shard)) {
                instrumentation.poolStarted(shard, Instrumentation.REPLICA, replica);
            }
        }
        SessionFactoryImplementor sessionFactory = null;
        ShardedQueries queries = null;
        TopologyRuntime topology = null;
        try {
            List<Throwable> causes = new ArrayList<>();
            // the connection checks (and each shard's collation) run while Hibernate's metadata is built
            ShardPools.ReachabilityChecks<String> reachable = pools.startReachabilityChecks((shard, c) -> ShardedQueries.readCollation(c));

            Object injectedClock = configuration.sessions().hibernateProperties().get(ShardingRuntime.CLOCK_PROPERTY);
            LongSupplier clock = injectedClock instanceof LongSupplier c ? c : System::currentTimeMillis;
            NodeIdClaim claim = NodeIdClaim.fixed(configuration.routing().nodeId());
            ShardContext context = new ShardContext();
            Metadata metadata;
            SessionFactoryImplementor built;
            try {
                StandardServiceRegistry registry = serviceRegistry(configuration, router, pools, claim, clock, context, cache);
                MetadataSources sources = new MetadataSources(registry);
                configuration.entities().forEach(sources::addAnnotatedClass);
                MetadataBuilder metadataBuilder = sources.getMetadataBuilder();
                cache.applyMetadata(metadataBuilder);
                metadata = metadataBuilder.build();
                built = (SessionFactoryImplementor) metadata.buildSessionFactory();
            } catch (RuntimeException e) {
                reachable.finish(problems, causes);
                throwIfProblems(problems, causes); // an unreachable shard explains more than Hibernate's failure
                throw e;
            }
            sessionFactory = built;
            Map<String, String> collations = reachable.finish(problems, causes);
            throwIfProblems(problems, causes);
            cache.start(sessionFactory, router, new ShardJdbc(pools), problems, causes);
            throwIfProblems(problems, causes);

            SchemaActions.apply(configuration.schemaAction(), metadata, sessionFactory, pools,
                    configuration.shardIds(), problems, causes);
            String twoPhaseUnavailable = CrossShardRuntime.prepare(configuration.writes(),
                    !router.referenceClasses().isEmpty(), configuration.schemaAction(),
                    pools, configuration.shardIds(), problems, causes);
            throwIfProblems(problems, causes);
            List<String> movedTables = shardedTables(sessionFactory, configuration, router);
            if (sessionFactory.getSessionFactoryOptions().getStatementInspector() instanceof FenceStatementInspector fence) {
                fence.movedTables(movedTables);
            }
            topology = TopologyRuntime.start(configuration.schemaAction(), configuration.topology(), configuration.shards(), pools,
                    router, configuration.routing().strategy() instanceof BucketedHashStrategy b && b.isExplicit(),
                    movedTables, claim,
                    configuration.routing().nodeIdGiven() ? configuration.routing().nodeId() : null, clock,
                    configuration.health().probeTimeoutMillis(), problems, causes);
            throwIfProblems(problems, causes);
            LOG.info("sharding-orm started: {} shards {}, {} entities, strategy {}", configuration.shards().size(),
                    configuration.shardIds(), configuration.entities().size(), router.resolver().name());
            ShardSessions sessions = new ShardSessions(sessionFactory, context, instrumentation, pools);
            if (topology.service() != null) {
                sessions.waitAtFence(router, configuration.topology().fencedWriteWaitMillis());
            }
            queries = new ShardedQueries(sessionFactory, router, sessions, configuration.queries().parallelism(),
                    RoutingLog.of(configuration.observability()), collations);
            Object faults = configuration.sessions().hibernateProperties().get(FaultInjector.PROPERTY);
            CrossShardRuntime writes = CrossShardRuntime.start(configuration.writes(), twoPhaseUnavailable, sessionFactory,
                    pools, router, sessions, (faults instanceof FaultInjector f ? f : FaultInjector.NONE)
                            .with(configuration.observability().writeListeners()),
                    configuration.observability().sagaRetentionMillis());
            if (topology.service() != null) {
                topology.publishing(twoPhaseUnavailable != null ? null : new io.github.shardingorm.internal.topology.TopologyTwoPhase() {
                    @Override
                    public String decideCommit(java.sql.Connection home, String coordinator, String txid, String participants)
                            throws java.sql.SQLException {
                        return writes.decideCommit(home, txid, participants);
                    }

                    @Override
                    public void forget(String coordinator, String txid) {
                        writes.forgetDecision(coordinator, txid);
                    }

                    @Override
                    public void at(String point, String txid, int participant) {
                        writes.twoPhaseBoundary(point, txid, participant);
                    }

                    @Override
                    public void requestRecovery() {
                        writes.requestRecovery();
                    }
                }, twoPhaseUnavailable);
            }
            RowCounts rows = new RowCounts(pools, rootTables(sessionFactory, router, configuration.entities()));
            ShardedPersistenceImpl orm = new ShardedPersistenceImpl(sessionFactory, pools, router, sessions, queries, writes, topology,
                    cache, instrumentation, rows);
            ReshardingWiring.wire(orm, configuration, sessionFactory, router, topology);
            return orm;
        } catch (RuntimeException e) {
            cache.close();
            instrumentation.close();
            if (topology != null) {
                topology.close();
            }
            if (queries != null) {
                queries.close();
            }
            if (sessionFactory != null) {
                sessionFactory.close();
            }
            pools.close();
            throw e;
        }
    }

    /**
     * Binds the strategy and scans the entities. The entities are scanned even when the strategy
     * cannot be bound (or there are no shards to bind it to), so that one start-up reports both.
     *
     * @return the router, or null when problems were added
     */
    private static ShardRouter bindRouting(ShardingConfiguration configuration, List<String> problems) {
        ShardingStrategy strategy = configuration.routing().strategy();
        int bucketCount = configuration.routing().bucketCount();
        ShardResolver resolver = null;
        int before = problems.size();
        if (!configuration.shards().isEmpty() && bucketCount >= 1) {
            try {
                resolver = strategy.bind(new ShardTopology(configuration.shardIds(), bucketCount), problems);
                if (resolver == null && problems.size() == before) {
                    problems.add("strategy " + strategy + " returned no resolver");
                }
            } catch (RuntimeException e) {
                problems.add("strategy " + strategy + " could not be bound: " + e.getMessage());
            }
        }
        boolean bucketed = resolver != null
                ? resolver instanceof BucketedShardResolver
                : strategy instanceof io.github.shardingorm.internal.routing.BucketedHashStrategy;
        Map<Class<?>, ShardedEntityModel> models = EntityModelScanner.scan(configuration.entities(),
                bucketed, bucketCount, problems);
        return resolver == null ? null : new ShardRouter(resolver, models, configuration.shardIds(),
                EntityModelScanner.referenceEntities(configuration.entities()), Hibernate::unproxy,
                o -> o instanceof org.hibernate.proxy.HibernateProxy p ? p.getHibernateLazyInitializer().getInternalIdentifier() : null);
    }

    private static Instrumentation instrumentation(ShardingConfiguration configuration, ShardRouter router) {
        ObservabilitySettings settings = configuration.observability();
        Instrumentation instrumentation = new Instrumentation(settings.statistics()
                ? new StatisticsRecorder(configuration.shardIds(), Duration.ofMillis(settings.hotWindowMillis()), router.isBucketed(),
                        System::nanoTime).startTicking()
                : null);
        router.instrument(instrumentation);
        return instrumentation;
    }

    /** The root tables of the sharded entities (reference tables are copies, left out): what statistics count. */
    private static List<String> rootTables(SessionFactoryImplementor sessionFactory, ShardRouter router, List<Class<?>> entities) {
        List<String> tables = new ArrayList<>();
        for (Class<?> entity : entities) {
            if (router.modelOrNull(entity) == null) {
                continue;
            }
            if (sessionFactory.getMappingMetamodel().getEntityDescriptor(entity) instanceof AbstractEntityPersister p
                    && !tables.contains(p.getIdentifierTableName())) {
                tables.add(p.getIdentifierTableName());
            }
        }
        return tables;
    }

    /** The tables of the sharded entities (those the fence trigger goes on while their buckets move). */
    private static List<String> shardedTables(SessionFactoryImplementor sessionFactory, ShardingConfiguration configuration,
                                              ShardRouter router) {
        java.util.Set<String> tables = new java.util.LinkedHashSet<>();
        java.util.Set<String> shardedEntityNames = new java.util.HashSet<>();
        for (Class<?> entity : configuration.entities()) {
            if (router.modelOrNull(entity) != null) {
                var persister = sessionFactory.getMappingMetamodel().getEntityDescriptor(entity);
                shardedEntityNames.add(persister.getEntityName());
                for (java.io.Serializable space : persister.getPropertySpaces()) {
                    tables.add(space.toString());
                }
            }
        }
        // element collections and join tables of sharded entities live with their owner
        sessionFactory.getMappingMetamodel().forEachCollectionDescriptor(collection -> {
            if (shardedEntityNames.contains(collection.getOwnerEntityPersister().getEntityName())) {
                for (String space : collection.getCollectionSpaces()) {
                    tables.add(space);
                }
            }
        });
        return List.copyOf(tables);
    }

    private static StandardServiceRegistry serviceRegistry(ShardingConfiguration configuration, ShardRouter router, ShardPools pools,
                                                           NodeIdClaim claim, LongSupplier clock, ShardContext context,
                                                           CacheRuntime cache) {
        BootstrapServiceRegistry bootstrap = new BootstrapServiceRegistryBuilder()
                .applyIntegrator(new ShardingIntegrator(router, pools))
                .applyIntegrator(cache.integrator())
                .build();
        StandardServiceRegistryBuilder builder = new StandardServiceRegistryBuilder(bootstrap);
        builder.applySetting(BatchSettings.STATEMENT_BATCH_SIZE, configuration.sessions().jdbcBatchSize());
        builder.applySetting(BatchSettings.ORDER_INSERTS, true);
        builder.applySetting(BatchSettings.ORDER_UPDATES, true);
        builder.applySetting(SchemaToolingSettings.HBM2DDL_HALT_ON_ERROR, true);
        builder.applySetting(org.hibernate.cfg.JdbcSettings.CONNECTION_PROVIDER_DISABLES_AUTOCOMMIT, true);
        // getCurrentSession() returns the thread's scope or template session unless the user chose a context.
        builder.applySetting(org.hibernate.cfg.AvailableSettings.CURRENT_SESSION_CONTEXT_CLASS, ShardCurrentSessionContext.class.getName());
        builder.applySettings(configuration.sessions().hibernateProperties());
        cache.applySettings(builder);
        builder.applySetting(MultiTenancySettings.MULTI_TENANT_CONNECTION_PROVIDER, new ShardConnectionProvider(pools));
        builder.applySetting(MultiTenancySettings.MULTI_TENANT_IDENTIFIER_RESOLVER, new ShardTenantResolver(context));
        // the fence for the application's own bulk and native writes, after the application's own inspector (if any)
        builder.applySetting(org.hibernate.cfg.JdbcSettings.STATEMENT_INSPECTOR, new FenceStatementInspector(router, context,
                userInspector(configuration.sessions().hibernateProperties().get(org.hibernate.cfg.JdbcSettings.STATEMENT_INSPECTOR))));
        builder.addService(ShardingRuntime.class, new ShardingRuntime(router, claim, clock));
        return builder.build();
    }

    /** The application's {@code hibernate.session_factory.statement_inspector}: an instance, a class or a class name (null: none). */
    private static org.hibernate.resource.jdbc.spi.StatementInspector userInspector(Object setting) {
        if (setting == null || setting instanceof org.hibernate.resource.jdbc.spi.StatementInspector) {
            return (org.hibernate.resource.jdbc.spi.StatementInspector) setting;
        }
        try {
            Class<?> type = setting instanceof Class<?> c ? c
                    : Class.forName(setting.toString().trim(), true, Thread.currentThread().getContextClassLoader());
            return (org.hibernate.resource.jdbc.spi.StatementInspector) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ShardingConfigurationException(List.of("hibernate.session_factory.statement_inspector = " + setting
                    + " is not a StatementInspector that can be instantiated: " + e), e);
        }
    }

    private static void throwIfProblems(List<String> problems, List<Throwable> causes) {
        if (!problems.isEmpty()) {
            ShardingConfigurationException e = new ShardingConfigurationException(problems, causes.isEmpty() ? null : causes.get(0));
            for (int i = 1; i < causes.size(); i++) {
                e.addSuppressed(causes.get(i));
            }
            throw e;
        }
    }
}
