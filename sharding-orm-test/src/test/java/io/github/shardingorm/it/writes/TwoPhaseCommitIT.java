package io.github.shardingorm.it.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.internal.writes.FaultInjector;
import io.github.shardingorm.internal.writes.FaultInjector.Point;
import io.github.shardingorm.it.writes.WritesFixture.Shard;
import io.github.shardingorm.it.writes.model.Country;
import io.github.shardingorm.it.writes.model.WriteMark;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two-phase commit on private servers with {@code max_prepared_transactions=20}: 3 shards, two of
 * them databases on the same server (so global transaction ids must differ per shard). All or
 * nothing on every shard, also when the coordinator crashes at each boundary or inside recovery;
 * no prepared transaction is left behind. Checked through JDBC on every shard.
 */
@PostgresServers(count = 2, settings = {"max_prepared_transactions=20"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoPhaseCommitIT {

    private List<Shard> shards;
    private PostgresServerGroup servers;
    private ShardedPersistence orm;
    private long k0;
    private long k1;
    private long k2;

    @BeforeAll
    void start(PostgresServerGroup servers) {
        this.servers = servers;
        shards = WritesFixture.shardsOnServers(servers.servers(), 3, "tpc");
        orm = build(null, Duration.ZERO).twoPhaseCommit(TwoPhaseCommitMode.REQUIRED).build();
        k0 = WritesFixture.keyOn(orm, "s0", 1);
        k1 = WritesFixture.keyOn(orm, "s1", 1);
        k2 = WritesFixture.keyOn(orm, "s2", 1);
    }

    @AfterAll
    void stop() {
        if (orm != null) {
            orm.close();
        }
    }

    private ShardedPersistenceBuilder build(FaultInjector faults, Duration recoveryInterval) {
        ShardedPersistenceBuilder b = WritesFixture.builder(shards).twoPhaseGrace(Duration.ofMillis(500)).recoveryInterval(recoveryInterval);
        if (faults != null) {
            b.hibernateProperty(FaultInjector.PROPERTY, faults);
        }
        return b;
    }

    private void writeMarks(ShardedPersistence on, String group) {
        on.atomically(List.of(k0, k1, k2), tx -> {
            tx.session(k0).persist(new WriteMark(group, 0, 3, k0));
            tx.session(k1).persist(new WriteMark(group, 1, 3, k1));
            tx.session(k2).persist(new WriteMark(group, 2, 3, k2));
        });
    }

    /**
     * A user-managed schema holding only the entities' tables: VALIDATE starts when nothing
     * registered needs the write-log tables, although two-phase commit could be used (AUTO); it is
     * then off and says how to turn it on. A registered saga or REQUIRED demands the tables. The
     * published DDL creates them, and then two-phase commit is on under VALIDATE too.
     */
    @Test
    void validateDemandsTheWriteLogTablesOnlyWhenTheyWillBeUsed() throws Exception {
        List<Shard> own = WritesFixture.shardsOnServers(servers.servers(), 2, "tpcv");
        try (ShardedPersistence create = userSchema(own, SchemaAction.UPDATE).twoPhaseCommit(TwoPhaseCommitMode.DISABLED).build()) {
            assertEquals(0, WritesFixture.count(own.get(0), "select count(*) from information_schema.tables where table_name like 'shorm%'"));
        }
        try (ShardedPersistence validate = userSchema(own, SchemaAction.VALIDATE).build()) {
            long key = WritesFixture.keyOn(validate, "s0", 1);
            long other = WritesFixture.keyOn(validate, "s1", 1);
            validate.inTransaction(key, s -> s.persist(new WriteMark("v", 0, 1, key)));
            ShardingException off = assertThrows(ShardingException.class, () -> validate.atomically(List.of(key, other), tx -> { }));
            assertTrue(off.getMessage().contains("write-log tables") && off.getMessage().contains("writeLogDdl()"), off.getMessage());
        }
        ShardingConfigurationException required = assertThrows(ShardingConfigurationException.class,
                () -> userSchema(own, SchemaAction.VALIDATE).twoPhaseCommit(TwoPhaseCommitMode.REQUIRED).build().close());
        assertTrue(required.getMessage().contains("shorm_2pc_decision") && required.getMessage().contains("writeLogDdl()"),
                required.getMessage());
        ShardingConfigurationException saga = assertThrows(ShardingConfigurationException.class,
                () -> userSchema(own, SchemaAction.VALIDATE).saga(WritesFixture.marks3()).build().close());
        assertTrue(saga.getMessage().contains("shorm_saga"), saga.getMessage());

        for (Shard shard : own) {
            try (Connection c = shard.connect();
                 Statement st = c.createStatement()) {
                for (String ddl : ShardedPersistence.writeLogDdl()) {
                    st.execute(ddl);
                }
            }
        }
        try (ShardedPersistence validate = userSchema(own, SchemaAction.VALIDATE).saga(WritesFixture.marks3()).build()) {
            long key = WritesFixture.keyOn(validate, "s0", 1);
            long other = WritesFixture.keyOn(validate, "s1", 1);
            validate.atomically(List.of(key, other), tx -> {
                tx.session(key).persist(new WriteMark("w", 0, 2, key));
                tx.session(other).persist(new WriteMark("w", 1, 2, other));
            });
            assertEquals(List.of("s0:0", "s1:1"), WritesFixture.marksOf(own, "w"));
        }
    }

    private static ShardedPersistenceBuilder userSchema(List<Shard> shards, SchemaAction action) {
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        for (Shard s : shards) {
            b.shard(s.id(), s.url(), s.user(), s.password());
        }
        return b.entities(WriteMark.class).schema(action).maximumPoolSize(2);
    }

    @Test
    void commitsOnEveryShard() throws Exception {
        String group = UUID.randomUUID().toString();
        writeMarks(orm, group);
        assertEquals(List.of("s0:0", "s1:1", "s2:2"), WritesFixture.marksOf(shards, group));
        assertEquals(List.of(), WritesFixture.preparedLeft(shards));
    }

    @Test
    void aFailingWorkAppliesNothing() throws Exception {
        String group = UUID.randomUUID().toString();
        assertThrows(IllegalStateException.class, () -> orm.atomically(List.of(k0, k1), tx -> {
            tx.session(k0).persist(new WriteMark(group, 0, 2, k0));
            tx.session(k1).persist(new WriteMark(group, 1, 2, k1));
            throw new IllegalStateException("business rule");
        }));
        assertEquals(List.of(), WritesFixture.marksOf(shards, group));
    }

    @Test
    void aShardThatFailsToPrepareRollsBackEveryShard() throws Exception {
        String taken = UUID.randomUUID().toString();
        orm.inTransaction(k2, s -> s.persist(new WriteMark(taken, 0, 1, k2)));
        String group = UUID.randomUUID().toString();
        assertThrows(RuntimeException.class, () -> orm.atomically(List.of(k0, k1, k2), tx -> {
            tx.session(k0).persist(new WriteMark(group, 0, 3, k0));
            tx.session(k1).persist(new WriteMark(group, 1, 3, k1));
            tx.session(k2).createNativeMutationQuery("insert into write_marks (id, shard_key, group_id, part, parts) values (?, ?, ?, 0, 1)")
                    .setParameter(1, WriteMark.id(taken, 0)).setParameter(2, k2).setParameter(3, taken).executeUpdate();
        }));
        assertEquals(List.of(), WritesFixture.marksOf(shards, group));
        assertEquals(List.of(), WritesFixture.preparedLeft(shards));
    }

    @Test
    void aKeyOutsideTheTransactionIsRefused() {
        ShardRoutingException e = assertThrows(ShardRoutingException.class,
                () -> orm.atomically(List.of(k0, k1), tx -> tx.session(k2).persist(new WriteMark("x", 0, 1, k2))));
        assertTrue(e.getMessage().contains("'s2' is not part of this atomic transaction"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Point.class, names = {"TWO_PHASE_PREPARED", "TWO_PHASE_DECIDED", "TWO_PHASE_ONE_COMMITTED"})
    void aCoordinatorCrashIsResolvedWithinSecondsOfStartUp(Point point) throws Exception {
        String group = UUID.randomUUID().toString();
        try (ShardedPersistence crashing = build(new Faults(point, -1), Duration.ZERO).build()) {
            WritesFixture.awaitFirstRecoveryPass(crashing);
            assertThrows(Faults.SimulatedCrash.class, () -> writeMarks(crashing, group));
        }
        if (point == Point.TWO_PHASE_PREPARED) {
            assertTrue(!WritesFixture.preparedLeft(shards).isEmpty(), "the crash left prepared transactions");
        }
        long start = System.nanoTime();
        try (ShardedPersistence recovering = build(null, Duration.ofMillis(200)).build()) {
            assertTrue(WritesFixture.await(10_000, () -> WritesFixture.preparedLeft(shards).isEmpty()), "in-doubt resolved");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 8_000, "resolved " + millis + " ms after start-up began");
        }
        List<String> expected = point == Point.TWO_PHASE_PREPARED ? List.of() : List.of("s0:0", "s1:1", "s2:2");
        assertEquals(expected, WritesFixture.marksOf(shards, group));
    }

    @Test
    void aCrashInsideRecoveryIsResolvedByTheNextRecovery() throws Exception {
        String group = UUID.randomUUID().toString();
        try (ShardedPersistence crashing = build(new Faults(Point.TWO_PHASE_DECIDED, -1), Duration.ZERO).build()) {
            WritesFixture.awaitFirstRecoveryPass(crashing);
            assertThrows(Faults.SimulatedCrash.class, () -> writeMarks(crashing, group));
        }
        Faults inRecovery = new Faults(Point.TWO_PHASE_RECOVERY, -1);
        try (ShardedPersistence second = build(inRecovery, Duration.ofMillis(100)).build()) {
            assertTrue(inRecovery.awaitFired(10_000));
        }
        try (ShardedPersistence third = build(null, Duration.ofMillis(100)).build()) {
            assertTrue(WritesFixture.await(10_000, () -> WritesFixture.preparedLeft(shards).isEmpty()));
        }
        assertEquals(List.of("s0:0", "s1:1", "s2:2"), WritesFixture.marksOf(shards, group));
    }

    @Test
    void aCoordinatorTooSlowToDecideLosesToRecoveryAndAppliesNothing() throws Exception {
        String group = UUID.randomUUID().toString();
        CountDownLatch prepared = new CountDownLatch(1);
        CountDownLatch aborted = new CountDownLatch(1);
        FaultInjector stall = (point, type, id, step) -> {
            if (point == Point.TWO_PHASE_PREPARED) {
                prepared.countDown();
                try {
                    aborted.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (ShardedPersistence slow = build(stall, Duration.ZERO).build()) {
            WritesFixture.awaitFirstRecoveryPass(slow);
            CompletableFuture<Void> tx = CompletableFuture.runAsync(() -> writeMarks(slow, group));
            assertTrue(prepared.await(20, TimeUnit.SECONDS));
            Thread.sleep(600);
            int resolved = orm.sagas().recover();
            assertEquals(3, resolved, "recovery rolled back the 3 old undecided participants");
            assertEquals(List.of(), WritesFixture.preparedLeft(shards));
            aborted.countDown();
            Exception e = assertThrows(Exception.class, tx::join);
            assertTrue(e.getCause() instanceof ShardingException && e.getCause().getMessage().contains("recovery aborted it"), e.toString());
        }
        assertEquals(List.of(), WritesFixture.marksOf(shards, group));
        assertEquals(List.of(), WritesFixture.preparedLeft(shards));
    }

    @Test
    void aShardThatDiesAfterTheDecisionIsCommittedByRecoveryWhenItIsBack() throws Exception {
        String group = UUID.randomUUID().toString();
        PostgresServer hostOfS1 = servers.get(1);
        FaultInjector killS1 = (point, type, id, step) -> {
            if (point == Point.TWO_PHASE_DECIDED) {
                hostOfS1.kill();
            }
        };
        try (ShardedPersistence coordinator = build(killS1, Duration.ZERO).build()) {
            WritesFixture.awaitFirstRecoveryPass(coordinator);
            writeMarks(coordinator, group); // returns normally: the transaction is decided, hence committed
        }
        hostOfS1.start();
        assertTrue(WritesFixture.preparedLeft(shards).stream().anyMatch(gid -> gid.startsWith("s1: ")), "s1 still holds its part, prepared");
        Thread.sleep(600);
        assertTrue(WritesFixture.await(10_000, () -> {
            orm.sagas().recover();
            return WritesFixture.preparedLeft(shards).isEmpty();
        }));
        assertEquals(List.of("s0:0", "s1:1", "s2:2"), WritesFixture.marksOf(shards, group));
    }

    @Test
    void referenceWritesAreAtomicOnEveryShard() throws Exception {
        assertTrue(orm.references().atomicWrites());
        orm.references().save(new Country("JP", "Japan", 124));
        for (Shard s : shards) {
            assertEquals(1, WritesFixture.count(s, "SELECT count(*) FROM countries WHERE code = 'JP'"), s.id());
        }
        assertThrows(ShardRoutingException.class, () -> orm.inTransaction(k1, s -> s.merge(new Country("JP", "Nippon", 124))));
        orm.references().delete(Country.class, "JP");
        for (Shard s : shards) {
            assertEquals(0, WritesFixture.count(s, "SELECT count(*) FROM countries WHERE code = 'JP'"), s.id());
        }
        assertEquals(List.of(), WritesFixture.preparedLeft(shards));
    }

    @Test
    void theListenerSeesEveryTwoPhaseBoundary_andAFaultBeforeTheDecisionRollsBackEveryShard() throws Exception {
        List<String> trace = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean failAfterPrepare = new java.util.concurrent.atomic.AtomicBoolean();
        io.github.shardingorm.spi.CrossShardWriteListener listener = (boundary, type, id, step) -> {
            trace.add(boundary + ":" + step);
            if (failAfterPrepare.get() && boundary == io.github.shardingorm.spi.CrossShardWriteListener.Boundary.TWO_PHASE_AFTER_PREPARE) {
                throw new IllegalStateException("injected after prepare");
            }
        };
        try (ShardedPersistence traced = build(null, Duration.ZERO).crossShardWriteListener(listener).build()) {
            WritesFixture.awaitFirstRecoveryPass(traced);
            trace.clear();
            String group = UUID.randomUUID().toString();
            writeMarks(traced, group);
            assertEquals(List.of("TWO_PHASE_BEFORE_PREPARE:-1", "TWO_PHASE_AFTER_PREPARE:3", "TWO_PHASE_DECISION_LOGGED:-1",
                    "TWO_PHASE_AFTER_COMMIT:0", "TWO_PHASE_AFTER_COMMIT:1", "TWO_PHASE_AFTER_COMMIT:2"), trace);
            failAfterPrepare.set(true);
            String failed = UUID.randomUUID().toString();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> writeMarks(traced, failed));
            assertEquals("injected after prepare", e.getMessage());
            assertEquals(List.of(), WritesFixture.marksOf(shards, failed));
            assertEquals(List.of(), WritesFixture.preparedLeft(shards));
        }
    }

    // ------------------------------------------------------------------ operator actions on in-doubt transactions

    /** Leaves one atomic transaction in doubt by crashing its coordinator at {@code point}; returns its txid. */
    private String inDoubtAfterCrashAt(Point point, String group) throws Exception {
        try (ShardedPersistence crashing = build(new Faults(point, -1), Duration.ZERO).build()) {
            WritesFixture.awaitFirstRecoveryPass(crashing);
            assertThrows(Faults.SimulatedCrash.class, () -> writeMarks(crashing, group));
        }
        List<io.github.shardingorm.InDoubtTransaction> inDoubt = orm.inDoubtTransactions().list();
        assertEquals(1, inDoubt.size(), inDoubt::toString);
        assertEquals(java.util.Set.of("s0", "s1", "s2"), inDoubt.get(0).preparedOn().keySet());
        return inDoubt.get(0).txid();
    }

    @Test
    void anInDoubtTransactionWithoutDecisionIsListedAndRolledBackByHand() throws Exception {
        String group = UUID.randomUUID().toString();
        String txid = inDoubtAfterCrashAt(Point.TWO_PHASE_PREPARED, group);
        assertEquals(null, orm.inDoubtTransactions().list().get(0).decision());
        orm.inDoubtTransactions().rollback(txid);
        assertEquals(List.of(), WritesFixture.preparedLeft(shards));
        assertEquals(List.of(), orm.inDoubtTransactions().list());
        assertEquals(List.of(), WritesFixture.marksOf(shards, group));
        assertThrows(IllegalArgumentException.class, () -> orm.inDoubtTransactions().commit(txid), "nothing left to commit");
    }

    @Test
    void anInDoubtTransactionDecidedCommitCannotBeRolledBackAndIsCommittedByHand() throws Exception {
        String group = UUID.randomUUID().toString();
        String txid = inDoubtAfterCrashAt(Point.TWO_PHASE_DECIDED, group);
        assertEquals("commit", orm.inDoubtTransactions().list().get(0).decision());
        io.github.shardingorm.ShardingException refused = assertThrows(io.github.shardingorm.ShardingException.class,
                () -> orm.inDoubtTransactions().rollback(txid));
        assertTrue(refused.getMessage().contains("logged decision") && refused.getMessage().contains("commit"), refused.getMessage());
        assertEquals(3, WritesFixture.preparedLeft(shards).size(), "a refused action changes nothing");
        orm.inDoubtTransactions().commit(txid);
        assertEquals(List.of(), WritesFixture.preparedLeft(shards));
        assertEquals(List.of("s0:0", "s1:1", "s2:2"), WritesFixture.marksOf(shards, group));
    }
}
