package io.github.shardingorm.internal.saga;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.internal.config.CrossShardWrites;
import io.github.shardingorm.internal.config.WriteSettings;
import io.github.shardingorm.internal.jdbc.ShardJdbc;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.reference.ReferenceWriter;
import io.github.shardingorm.internal.twophase.PreparedTransactionSupport;
import io.github.shardingorm.internal.twophase.TwoPhaseCommitter;
import io.github.shardingorm.saga.SagaArguments;
import io.github.shardingorm.saga.SagaDefinition;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything about writes that span shards in one running persistence unit: the saga engine, the
 * two-phase committer, the reference writer, and the recovery thread (one pass right after
 * start-up, then every {@code recoveryIntervalMillis}; stopped by {@link #close()}).
 */
public final class CrossShardRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrossShardRuntime.class);

    private final SagaEngine sagas;
    private final TwoPhaseCommitter twoPhase;
    private final ReferenceWriter references;
    private final ScheduledExecutorService recovery;
    private final java.util.concurrent.CountDownLatch firstPass;

    private CrossShardRuntime(SagaEngine sagas, TwoPhaseCommitter twoPhase, ReferenceWriter references,
                              ScheduledExecutorService recovery, java.util.concurrent.CountDownLatch firstPass) {
        this.firstPass = firstPass;
        this.sagas = sagas;
        this.twoPhase = twoPhase;
        this.references = references;
        this.recovery = recovery;
    }

    /**
     * Start-up step, after the schema action: checks prepared-transaction support on every shard,
     * then, when cross-shard writes are possible (saga types registered, reference entities
     * configured, or two-phase commit available for {@code atomically}), creates the write-log
     * tables on every shard (CREATE, UPDATE: {@code CREATE TABLE IF NOT EXISTS}, never dropped) or
     * checks they exist (VALIDATE). Adds problems.
     *
     * @return why two-phase commit is unavailable, or null when it is available
     */
    public static String prepare(CrossShardWrites writes, boolean referenceEntities, SchemaAction action, ShardPools pools,
                                 List<String> shardIds, List<String> problems, List<Throwable> causes) {
        String twoPhaseUnavailable = twoPhaseUnavailable(writes, pools, shardIds, problems);
        boolean needed = !writes.sagas().isEmpty() || referenceEntities || twoPhaseUnavailable == null;
        if (!needed || action == SchemaAction.NONE) {
            return twoPhaseUnavailable;
        }
        for (String shard : shardIds) {
            try (Connection c = pools.connection(shard)) {
                try {
                    if (action == SchemaAction.VALIDATE) {
                        List<String> missing = WriteLogSchema.missing(c);
                        if (!missing.isEmpty()) {
                            problems.add("schema VALIDATE: shard '" + shard + "' lacks the write-log tables " + missing
                                    + " (create them with schema action UPDATE, or run WriteLogSchema.DDL)");
                        }
                    } else {
                        WriteLogSchema.create(c);
                    }
                    c.commit();
                } catch (java.sql.SQLException e) {
                    c.rollback();
                    throw e;
                }
            } catch (Exception e) {
                problems.add("creating the write-log tables failed on shard '" + shard + "' (" + pools.maskedUrl(shard) + "): " + e.getMessage());
                causes.add(e);
            }
        }
        return twoPhaseUnavailable;
    }

    private static String twoPhaseUnavailable(CrossShardWrites writes, ShardPools pools, List<String> shardIds, List<String> problems) {
        if (writes.mode() == TwoPhaseCommitMode.DISABLED) {
            return "two-phase commit is disabled (" + io.github.shardingorm.ShardingSettings.TWO_PHASE_COMMIT + "=disabled)";
        }
        List<String> without = PreparedTransactionSupport.shardsWithout(new ShardJdbc(pools), shardIds);
        if (without.isEmpty()) {
            return null;
        }
        String reason = "two-phase commit needs max_prepared_transactions > 0 on every shard, but it is not on " + without
                + "; set it in postgresql.conf (it takes a server restart)";
        if (writes.mode() == TwoPhaseCommitMode.REQUIRED) {
            problems.add(reason + " (" + io.github.shardingorm.ShardingSettings.TWO_PHASE_COMMIT + "=required)");
        }
        return reason;
    }

    /** Builds the runtime and starts recovery (first pass at once, in the background). */
    public static CrossShardRuntime start(CrossShardWrites writes, String twoPhaseUnavailable, SessionFactoryImplementor sessionFactory,
                                          ShardPools pools, ShardRouter router, ShardSessions sessions, FaultInjector faults) {
        List<String> shardIds = router.shardIds();
        ShardJdbc jdbc = new ShardJdbc(pools);
        Map<String, RuntimeSaga> registry = new LinkedHashMap<>();
        for (SagaDefinition definition : writes.sagas()) {
            registry.put(definition.type(), toRuntime(definition, router));
        }
        registry.put(ReferenceWriter.SAGA_TYPE, ReferenceWriter.saga(shardIds));
        WriteSettings settings = writes.settings();
        SagaEngine engine = new SagaEngine(registry, sessions, new SagaLog(jdbc, shardIds), settings, faults, shardIds);
        TwoPhaseCommitter twoPhase = new TwoPhaseCommitter(sessionFactory, sessions, router, jdbc, faults,
                settings.twoPhaseGraceMillis(), twoPhaseUnavailable);
        engine.inDoubtRecovery(twoPhase::recover);
        engine.scanSagas(!writes.sagas().isEmpty() || !router.referenceClasses().isEmpty());
        ReferenceWriter references = new ReferenceWriter(sessionFactory, router, sessions, twoPhase, engine);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sharding-orm-recovery");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.CountDownLatch firstPass = new java.util.concurrent.CountDownLatch(1);
        Runnable pass = () -> {
            try {
                int acted = engine.recover();
                if (acted > 0) {
                    LOG.info("recovery pass: acted on {} sagas / in-doubt transactions", acted);
                }
            } catch (Throwable t) {
                LOG.warn("recovery pass failed: {}", t.toString());
            } finally {
                firstPass.countDown();
            }
        };
        if (settings.recoveryIntervalMillis() > 0) {
            executor.scheduleWithFixedDelay(pass, 0, settings.recoveryIntervalMillis(), TimeUnit.MILLISECONDS);
        } else {
            executor.execute(pass);
        }
        LOG.info("cross-shard writes: {} saga types, two-phase commit {}", writes.sagas().size(),
                twoPhaseUnavailable == null ? "available" : "unavailable (" + twoPhaseUnavailable + ")");
        return new CrossShardRuntime(engine, twoPhase, references, executor, firstPass);
    }

    private static RuntimeSaga toRuntime(SagaDefinition definition, ShardRouter router) {
        List<RuntimeSaga.Step> steps = definition.steps().stream().map(step -> new RuntimeSaga.Step(step.name(),
                (SagaArguments args) -> {
                    Object key = step.key().apply(args);
                    if (key == null) {
                        throw new IllegalArgumentException("its key function returned null for arguments " + args);
                    }
                    return router.shardOfKey(key);
                }, step.action(), step.compensation())).toList();
        return new RuntimeSaga(definition.type(), steps, false);
    }

    /** Waits until the start-up recovery pass has finished (tests); returns whether it did within {@code millis}. */
    public boolean awaitFirstPass(long millis) throws InterruptedException {
        return firstPass.await(millis, TimeUnit.MILLISECONDS);
    }

    public SagaEngine sagas() {
        return sagas;
    }

    public TwoPhaseCommitter twoPhase() {
        return twoPhase;
    }

    public ReferenceWriter references() {
        return references;
    }

    /** Stops recovery, waiting up to 5 s for a running pass. */
    @Override
    public void close() {
        recovery.shutdownNow();
        try {
            if (!recovery.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("recovery thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
