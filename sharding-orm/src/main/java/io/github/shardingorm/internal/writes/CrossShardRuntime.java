package io.github.shardingorm.internal.writes;

import io.github.shardingorm.CrossShardSessions;
import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardingSettings;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.internal.config.CrossShardWrites;
import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.jdbc.ShardJdbc;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.reference.EveryShardWrites;
import io.github.shardingorm.internal.reference.ReferenceWriter;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.saga.RuntimeSaga;
import io.github.shardingorm.internal.saga.SagaEngine;
import io.github.shardingorm.internal.saga.SagaLog;
import io.github.shardingorm.internal.twophase.PreparedTransactionSupport;
import io.github.shardingorm.internal.twophase.TwoPhaseCommitter;
import io.github.shardingorm.saga.SagaArguments;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.saga.Sagas;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything about writes that span shards in one running persistence unit. The three mechanisms
 * are peers that know nothing of each other: the saga engine ({@code internal.saga}), the two-phase
 * committer ({@code internal.twophase}) and the reference writer ({@code internal.reference}, which
 * gets both as {@link EveryShardWrites}). This class composes them, with the write-log tables they
 * share ({@link WriteLogSchema}), the recovery loop ({@link RecoveryLoop}) and the test hook
 * ({@link FaultInjector}).
 */
public final class CrossShardRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrossShardRuntime.class);

    private final TwoPhaseCommitter twoPhase;
    private io.github.shardingorm.InDoubtTransactions inDoubt;
    private final ReferenceWriter references;
    private final RecoveryLoop recovery;
    private final Sagas sagas;

    private CrossShardRuntime(TwoPhaseCommitter twoPhase, ReferenceWriter references, RecoveryLoop recovery, Sagas sagas) {
        this.twoPhase = twoPhase;
        this.references = references;
        this.recovery = recovery;
        this.sagas = sagas;
    }

    /**
     * Start-up step, after the schema action: checks prepared-transaction support on every shard,
     * then creates the write-log tables on every shard (CREATE, UPDATE: {@code CREATE TABLE IF NOT
     * EXISTS}, never dropped) when cross-shard writes are possible: saga types registered,
     * reference entities configured, or two-phase commit available for {@code atomically}.
     * VALIDATE demands them only where they will be used (sagas, reference entities, two-phase
     * commit REQUIRED); when two-phase commit is merely available (AUTO) and they are missing, it
     * is off, and {@code atomically} says why. Adds problems.
     *
     * @return why two-phase commit is unavailable, or null when it is available
     */
    public static String prepare(CrossShardWrites writes, boolean referenceEntities, SchemaAction action, ShardPools pools,
                                 List<String> shardIds, List<String> problems, List<Throwable> causes) {
        String twoPhaseUnavailable = twoPhaseUnavailable(writes, pools, shardIds, problems);
        boolean demanded = !writes.sagas().isEmpty() || referenceEntities || writes.mode() == TwoPhaseCommitMode.REQUIRED;
        boolean needed = demanded || twoPhaseUnavailable == null;
        if (!needed || action == SchemaAction.NONE) {
            return twoPhaseUnavailable;
        }
        if (action == SchemaAction.VALIDATE && !demanded) {
            Map<String, List<String>> missing = WriteLogSchema.missingOnShards(pools, shardIds, problems, causes);
            return missing.isEmpty() ? null : "the write-log tables are missing (schema VALIDATE: " + missing
                    + "); run ShardedPersistence.writeLogDdl() (the resource " + WriteLogSchema.RESOURCE
                    + ") on every shard to use two-phase commit";
        }
        WriteLogSchema.apply(action, pools, shardIds, problems, causes);
        return twoPhaseUnavailable;
    }

    private static String twoPhaseUnavailable(CrossShardWrites writes, ShardPools pools, List<String> shardIds, List<String> problems) {
        if (writes.mode() == TwoPhaseCommitMode.DISABLED) {
            return "two-phase commit is disabled (" + ShardingSettings.TWO_PHASE_COMMIT + "=disabled)";
        }
        List<String> without = PreparedTransactionSupport.shardsWithout(new ShardJdbc(pools), shardIds);
        if (without.isEmpty()) {
            return null;
        }
        String reason = "two-phase commit needs max_prepared_transactions > 0 on every shard, but it is not on " + without
                + "; set it in postgresql.conf (it takes a server restart)";
        if (writes.mode() == TwoPhaseCommitMode.REQUIRED) {
            problems.add(reason + " (" + ShardingSettings.TWO_PHASE_COMMIT + "=required)");
        }
        return reason;
    }

    /** Builds the runtime and starts recovery (first pass at once, in the background). */
    public static CrossShardRuntime start(CrossShardWrites writes, String twoPhaseUnavailable, SessionFactoryImplementor sessionFactory,
                                          ShardPools pools, ShardRouter router, ShardSessions sessions, FaultInjector faults,
                                          long sagaRetentionMillis) {
        List<String> shardIds = router.shardIds();
        ShardJdbc jdbc = new ShardJdbc(pools);
        RuntimeSaga referenceSaga = referenceSaga(shardIds);
        Map<String, RuntimeSaga> registry = new LinkedHashMap<>();
        for (SagaDefinition definition : writes.sagas()) {
            registry.put(definition.type(), toRuntime(definition, router));
        }
        registry.put(ReferenceWriter.SAGA_TYPE, referenceSaga);
        SagaEngine engine = new SagaEngine(registry, sessions, new SagaLog(jdbc, shardIds), writes.settings(),
                faults.forSagas(), shardIds);
        TwoPhaseCommitter twoPhase = new TwoPhaseCommitter(sessionFactory, sessions, router, jdbc, faults.forTwoPhaseCommit(),
                writes.settings().twoPhaseGraceMillis(), twoPhaseUnavailable);
        ReferenceWriter references = new ReferenceWriter(sessionFactory, router, sessions, new EveryShardWrites() {
            @Override
            public boolean atomic() {
                return twoPhase.available();
            }

            @Override
            public void atomically(Consumer<CrossShardSessions> work, Map<String, Object> sessionProperties) {
                twoPhase.run(new LinkedHashSet<>(shardIds), work, sessionProperties);
            }

            @Override
            public SagaResult forwardSaga(SagaArguments arguments) {
                return engine.start(referenceSaga, arguments);
            }
        });
        boolean sagasCanExist = !writes.sagas().isEmpty() || !router.referenceClasses().isEmpty();
        RecoveryLoop recovery = new RecoveryLoop(engine, sagasCanExist, twoPhase, writes.settings().recoveryIntervalMillis(),
                sagaRetentionMillis);
        LOG.info("cross-shard writes: {} saga types, two-phase commit {}", writes.sagas().size(),
                twoPhaseUnavailable == null ? "available" : "unavailable (" + twoPhaseUnavailable + ")");
        CrossShardRuntime runtime = new CrossShardRuntime(twoPhase, references, recovery, new CrossShardSagas(engine, recovery));
        runtime.inDoubt = new io.github.shardingorm.internal.twophase.InDoubtOperations(twoPhase, jdbc, shardIds);
        return runtime;
    }

    /** The built-in forward-only saga of reference writes: step {@code i} writes on shard {@code i}. */
    private static RuntimeSaga referenceSaga(List<String> shardIds) {
        List<RuntimeSaga.Step> steps = shardIds.stream().map(shard -> new RuntimeSaga.Step("write on " + shard,
                (SagaArguments args) -> shard, ReferenceWriter::writeOnShard, null)).toList();
        return new RuntimeSaga(ReferenceWriter.SAGA_TYPE, steps, true);
    }

    /** A registered saga type with each step's key function turned into its shard. */
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
        return recovery.awaitFirstPass(millis);
    }

    /** Sagas: start, status, recovery (which also resolves in-doubt two-phase commits). */
    public Sagas sagas() {
        return sagas;
    }

    /**
     * The decision log, hooks and recovery of two-phase commit, for the stored topology's atomic
     * changes (which must not know {@code internal.twophase}): logs {@code commit} unless a
     * decision exists and returns the one that holds.
     */
    public String decideCommit(String coordinator, String txid, String participants) {
        return twoPhase.decide(coordinator, txid, "commit", participants);
    }

    /** As {@link #decideCommit(String, String, String)}, on the coordinator's connection {@code c} that the caller holds. */
    public String decideCommit(java.sql.Connection c, String txid, String participants) throws java.sql.SQLException {
        return TwoPhaseCommitter.decide(c, txid, "commit", participants);
    }

    /** See {@link #decideCommit}: deletes a commit decision (best effort). */
    public void forgetDecision(String coordinator, String txid) {
        twoPhase.forget(coordinator, txid);
    }

    /** See {@link #decideCommit}: the test hook at a two-phase boundary ({@code TwoPhaseFaults.Point} name). */
    public void twoPhaseBoundary(String point, String txid, int participant) {
        twoPhase.fault(io.github.shardingorm.internal.twophase.TwoPhaseFaults.Point.valueOf(point), txid, participant);
    }

    /** Asks the recovery thread for a pass soon (does not wait). */
    public void requestRecovery() {
        recovery.requestPass();
    }

    public TwoPhaseCommitter twoPhase() {
        return twoPhase;
    }

    /** Operator actions on in-doubt two-phase-commit transactions. */
    public io.github.shardingorm.InDoubtTransactions inDoubt() {
        return inDoubt;
    }

    public ReferenceWriter references() {
        return references;
    }

    /** Stops recovery, waiting up to 5 s for a running pass. */
    @Override
    public void close() {
        recovery.close();
    }
}
