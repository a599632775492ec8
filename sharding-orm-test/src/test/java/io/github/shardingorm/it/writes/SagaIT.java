package io.github.shardingorm.it.writes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.it.writes.WritesFixture.Shard;
import io.github.shardingorm.it.writes.model.Country;
import io.github.shardingorm.it.writes.model.Wallet;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.saga.SagaException;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.saga.SagaResult;
import io.github.shardingorm.saga.SagaState;
import io.github.shardingorm.saga.SagaStatus;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sagas, reference tables and the start-up checks on 3 shard databases of a private server with
 * {@code max_prepared_transactions = 0} (so reference writes use the saga fallback and
 * {@code atomically} is refused, whatever server the other tests use). Every effect is checked
 * straight through JDBC on every shard.
 */
@PostgresServers(count = 1, settings = {"max_prepared_transactions=0"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagaIT {

    private List<Shard> shards;
    private ShardedPersistence orm;
    private long nextKey = 10_000;

    @BeforeAll
    void start(PostgresServerGroup servers) {
        shards = WritesFixture.shardsOnServers(servers.servers(), 3, "saga");
        orm = WritesFixture.builder(shards)
                .saga(WritesFixture.marks3())
                .saga(transfer())
                .sagaRetries(3, Duration.ofMillis(20))
                .build();
    }

    @AfterAll
    void stop() {
        if (orm != null) {
            orm.close();
        }
    }

    /** Keys for step 0, 1, 2 on shards s0, s1, s2. */
    private Map<String, Object> args(String op) {
        Map<String, Object> args = new HashMap<>();
        args.put("op", op);
        for (int i = 0; i < 3; i++) {
            long k = WritesFixture.keyOn(orm, "s" + i, nextKey);
            nextKey = k + 1;
            args.put("k" + i, k);
        }
        return args;
    }

    @Test
    void aThreeStepSagaAppliesEveryStepOnItsKeysShard() throws SQLException {
        String op = UUID.randomUUID().toString();
        SagaResult result = orm.sagas().start(WritesFixture.MARKS3, args(op));

        assertEquals(SagaOutcome.COMPLETED, result.outcome(), result.reason());
        assertNull(result.reason());
        assertEquals(List.of("s0:0", "s1:1", "s2:2"), WritesFixture.marksOf(shards, op));
        SagaStatus status = orm.sagas().status(result.id()).orElseThrow();
        assertEquals(SagaState.COMPLETED, status.state());
        assertEquals(MARKS3_STEPS, status.step());
        for (int i = 0; i < 3; i++) {
            assertEquals(1, WritesFixture.count(shards.get(i), "SELECT count(*) FROM shorm_saga_step WHERE kind = 'done' AND saga_id = '"
                    + result.id() + "' AND step = " + i), "fence of step " + i + " on its shard");
        }
        assertEquals(1, WritesFixture.count(shards.get(indexOf(status.coordinatorShard())),
                "SELECT count(*) FROM shorm_saga WHERE id = '" + result.id() + "'"), "the log row is on the coordinator shard");
    }

    private static final int MARKS3_STEPS = 3;

    @Test
    void aFailingStepCompensatesTheStepsBeforeItAndBlocksItself() throws SQLException {
        String op = UUID.randomUUID().toString();
        Map<String, Object> args = args(op);
        args.put("failAt", 2);

        SagaResult result = orm.sagas().start(WritesFixture.MARKS3, args);

        assertEquals(SagaOutcome.COMPENSATED, result.outcome());
        assertTrue(result.reason().contains("step 'mark-2' (3 of 3) failed") && result.reason().contains("planned failure at step 2"),
                result.reason());
        assertEquals(List.of(), WritesFixture.marksOf(shards, op), "every applied step was undone");
        for (int i = 0; i < 3; i++) {
            assertEquals(1, WritesFixture.count(shards.get(i), "SELECT count(*) FROM shorm_saga_step WHERE kind = 'compensated'"
                    + " AND saga_id = '" + result.id() + "' AND step = " + i), "fence of step " + i);
        }
        assertEquals(SagaState.COMPENSATED, orm.sagas().status(result.id()).orElseThrow().state());
    }

    @Test
    void aTransferMovesMoneyBetweenShardsOrNotAtAll() {
        long a = WritesFixture.keyOn(orm, "s0", nextKey);
        long b = WritesFixture.keyOn(orm, "s1", a + 1);
        nextKey = b + 1;
        orm.inTransaction(a, s -> s.persist(new Wallet(a, 100, "DE")));
        orm.inTransaction(b, s -> s.persist(new Wallet(b, 5, "FR")));

        assertEquals(SagaOutcome.COMPLETED, orm.sagas().start("transfer", Map.of("from", a, "to", b, "amount", 60L)).outcome());
        SagaResult tooMuch = orm.sagas().start("transfer", Map.of("from", a, "to", b, "amount", 60L));

        assertEquals(SagaOutcome.COMPENSATED, tooMuch.outcome());
        assertTrue(tooMuch.reason().contains("insufficient funds"), tooMuch.reason());
        assertEquals(40, orm.fromTransaction(a, s -> s.find(Wallet.class, a)).getBalance());
        assertEquals(65, orm.fromTransaction(b, s -> s.find(Wallet.class, b)).getBalance());
    }

    @Test
    void anUnknownSagaTypeIsRefusedBeforeAnythingIsWritten() throws SQLException {
        long before = sagaRows();
        SagaException e = assertThrows(SagaException.class, () -> orm.sagas().start("no-such-saga", Map.of()));
        assertTrue(e.getMessage().contains("'no-such-saga'") && e.getMessage().contains(WritesFixture.MARKS3), e.getMessage());
        assertNull(e.getSagaId());
        assertEquals(before, sagaRows());
    }

    @Test
    void aStepWhoseKeyIsNullIsRefusedBeforeAnythingIsWritten() throws SQLException {
        long before = sagaRows();
        Map<String, Object> args = args(UUID.randomUUID().toString());
        args.remove("k1");
        SagaException e = assertThrows(SagaException.class, () -> orm.sagas().start(WritesFixture.MARKS3, args));
        assertTrue(e.getMessage().contains("step 'mark-1' (2 of 3)") && e.getMessage().contains("null"), e.getMessage());
        assertEquals(before, sagaRows());
        assertEquals(List.of(), WritesFixture.marksOf(shards, (String) args.get("op")));
    }

    @Test
    void argumentsThatCannotBeStoredAreRefusedNamingTheArgument() throws SQLException {
        long before = sagaRows();
        Map<String, Object> args = args(UUID.randomUUID().toString());
        args.put("wallet", new Wallet(1L, 1, "DE"));
        SagaException e = assertThrows(SagaException.class, () -> orm.sagas().start(WritesFixture.MARKS3, args));
        assertTrue(e.getMessage().contains("'wallet'") && e.getMessage().contains(Wallet.class.getName()), e.getMessage());
        assertEquals(before, sagaRows());
    }

    @Test
    void aCompensationThatKeepsThrowingIsRetriedThenNeedsAttentionWithItsCause() throws SQLException {
        String op = UUID.randomUUID().toString();
        Map<String, Object> args = args(op);
        args.put("failAt", 2);
        args.put("badCompensation", true);

        SagaResult result = orm.sagas().start(WritesFixture.MARKS3, args);

        assertEquals(SagaOutcome.FAILED_NEEDS_ATTENTION, result.outcome());
        assertTrue(result.reason().contains("compensation of step 'mark-2'") || result.reason().contains("compensation of step 'mark-1'"),
                result.reason());
        assertTrue(result.reason().contains("is broken") && result.reason().contains("3 attempts"), result.reason());
        SagaStatus status = orm.sagas().status(result.id()).orElseThrow();
        assertEquals(SagaState.FAILED_NEEDS_ATTENTION, status.state());
        assertEquals(3, status.attempts());
        assertTrue(orm.sagas().needingAttention().stream().anyMatch(s -> s.id().equals(result.id())));
        assertFalse(orm.sagas().unfinished().stream().anyMatch(s -> s.id().equals(result.id())), "never left running");
    }

    @Test
    void referenceEntitiesAreCopiedToEveryShardAndJoinedLocally() throws SQLException {
        assertFalse(orm.references().atomicWrites(), "the server has max_prepared_transactions=0: saga fallback");
        orm.references().save(new Country("DE", "Germany", 84));
        orm.references().save(new Country("FR", "France", 68));
        orm.references().save(new Country("DE", "Deutschland", 84));
        for (Shard s : shards) {
            assertEquals(1, WritesFixture.count(s, "SELECT count(*) FROM countries WHERE code = 'DE' AND name = 'Deutschland'"), s.id());
            assertEquals(1, WritesFixture.count(s, "SELECT count(*) FROM countries WHERE code = 'FR'"), s.id());
        }
        long user = WritesFixture.keyOn(orm, "s2", nextKey);
        nextKey = user + 1;
        orm.inTransaction(user, s -> s.persist(new Wallet(user, 1, "DE")));
        String name = orm.fromReadOnlyTransaction(user, s -> s.createSelectionQuery(
                "select c.name from Wallet w join Country c on c.code = w.countryCode where w.userId = :u", String.class)
                .setParameter("u", user).getSingleResult());
        assertEquals("Deutschland", name);
        assertEquals("France", orm.references().find(Country.class, "FR").orElseThrow().getName());

        orm.references().delete(Country.class, "FR");
        for (Shard s : shards) {
            assertEquals(0, WritesFixture.count(s, "SELECT count(*) FROM countries WHERE code = 'FR'"), s.id());
        }
    }

    @Test
    void writingAReferenceEntityInAKeyedSessionIsRefusedPointingToReferences() throws SQLException {
        long user = WritesFixture.keyOn(orm, "s1", nextKey);
        nextKey = user + 1;
        ShardRoutingException persist = assertThrows(ShardRoutingException.class,
                () -> orm.inTransaction(user, s -> s.persist(new Country("IT", "Italy", 59))));
        assertTrue(persist.getMessage().contains("references().save"), persist.getMessage());
        orm.references().save(new Country("ES", "Spain", 48));
        ShardRoutingException update = assertThrows(ShardRoutingException.class,
                () -> orm.inTransaction(user, s -> s.find(Country.class, "ES").setName("Espana")));
        assertTrue(update.getMessage().contains("@ReferenceTable"), update.getMessage());
        assertThrows(ShardRoutingException.class, () -> orm.inTransaction(user, s -> s.remove(s.find(Country.class, "ES"))));
        for (Shard s : shards) {
            assertEquals(0, WritesFixture.count(s, "SELECT count(*) FROM countries WHERE code = 'IT'"), s.id());
            assertEquals(1, WritesFixture.count(s, "SELECT count(*) FROM countries WHERE code = 'ES' AND name = 'Spain'"), s.id());
        }
    }

    @Test
    void atomicallyIsRefusedWithoutPreparedTransactionsNamingTheShards() {
        long a = WritesFixture.keyOn(orm, "s0", nextKey);
        long b = WritesFixture.keyOn(orm, "s1", a + 1);
        nextKey = b + 1;
        ShardingException e = assertThrows(ShardingException.class, () -> orm.atomically(List.of(a, b), tx -> { }));
        assertTrue(e.getMessage().contains("max_prepared_transactions") && e.getMessage().contains("'s0'"), e.getMessage());
    }

    @Test
    void requiringTwoPhaseCommitFailsStartUpNamingTheShards() {
        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class,
                () -> WritesFixture.builder(shards).twoPhaseCommit(TwoPhaseCommitMode.REQUIRED).build());
        assertTrue(e.getMessage().contains("'s0' (max_prepared_transactions=0)") && e.getMessage().contains("'s2'"), e.getMessage());
    }

    private long sagaRows() throws SQLException {
        long n = 0;
        for (Shard s : shards) {
            n += WritesFixture.count(s, "SELECT count(*) FROM shorm_saga");
        }
        return n;
    }

    private int indexOf(String shardId) {
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).id().equals(shardId)) {
                return i;
            }
        }
        throw new AssertionError(shardId);
    }

    private static SagaDefinition transfer() {
        return SagaDefinition.named("transfer")
                .step("debit", args -> args.getLong("from"), (s, args) -> {
                    Wallet w = s.find(Wallet.class, args.getLong("from"));
                    w.add(-args.getLong("amount"));
                }, (s, args) -> s.find(Wallet.class, args.getLong("from")).add(args.getLong("amount")))
                .step("credit", args -> args.getLong("to"), (s, args) -> {
                    Wallet w = s.find(Wallet.class, args.getLong("to"));
                    w.add(args.getLong("amount"));
                }, (s, args) -> s.find(Wallet.class, args.getLong("to")).add(-args.getLong("amount")))
                .step("check", args -> args.getLong("from"), (s, args) -> {
                    if (s.find(Wallet.class, args.getLong("from")).getBalance() < 0) {
                        throw new IllegalStateException("insufficient funds in wallet " + args.getLong("from"));
                    }
                }, null)
                .build();
    }

}
