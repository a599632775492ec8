package io.github.shardingorm.it.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.health.ConsistencyToken;
import io.github.shardingorm.health.HealthState;
import io.github.shardingorm.health.NodeHealth;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.it.writes.model.Country;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.saga.SagaOutcome;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Read-your-writes on every write path besides keyed write transactions (issue 14): two-phase
 * commit ({@code atomically}, one shard and two), sagas, reference-table writes (by two-phase
 * commit and by the saga fallback), {@code fromSession} committing its own transaction, and the
 * explicit token of {@code withConsistency}. One private primary with one streaming replica that
 * lags 1.5 s ({@code recovery_min_apply_delay}); shards s0 and s1 are two databases of it. The lag
 * limit (5 s) lets the lagging replica serve reads, so only the token keeps a read off it: each
 * path's read is checked by value, and a reader without the token is shown to read the old value
 * from the replica (the lag is real, so the check could fail).
 */
@PostgresServers(count = 1, settings = {"max_prepared_transactions=10"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadYourWritesPathsIT {

    private static final String PASSWORD = "pw-never-printed";
    private static final String RENAME = "rename-both";
    private static final int ROUNDS = 10;

    private static PostgresServer primary;
    private static PostgresServer replica;
    private static ShardedPersistence orm;
    private static ShardedPersistence sagaReferences;
    private static long k0;
    private static long k1;
    private static final ExecutorService OTHER = Executors.newSingleThreadExecutor();
    private static final AtomicInteger STALE_WITHOUT_TOKEN = new AtomicInteger();

    @BeforeAll
    static void start(PostgresServerGroup servers) throws Exception {
        primary = servers.get(0);
        primary.createDatabase("ryw_0");
        primary.createDatabase("ryw_1");
        try (ShardedPersistence schema = builder(SchemaAction.CREATE).build()) {
            k0 = ShardHealthIT.keysOn(schema, "s0", 1)[0];
            k1 = ShardHealthIT.keysOn(schema, "s1", 1)[0];
            schema.repository(User.class).save(new User(k0, "zero"));
            schema.repository(User.class).save(new User(k1, "one"));
        }
        replica = primary.createReplica();
        orm = withReplica(builder(SchemaAction.UPDATE)).build();
        sagaReferences = withReplica(builder(SchemaAction.UPDATE)).twoPhaseCommit(TwoPhaseCommitMode.DISABLED).build();
        awaitReplicaUp(orm);
        awaitReplicaUp(sagaReferences);
        replica.setSetting("recovery_min_apply_delay", "1500ms");
    }

    @AfterAll
    static void close() {
        if (orm != null) {
            orm.resetConsistency(); // this thread's token names these servers' positions: not for the next class
        }
        OTHER.shutdownNow();
        if (replica != null) {
            replica.setSetting("recovery_min_apply_delay", "0");
        }
        if (sagaReferences != null) {
            sagaReferences.close();
        }
        if (orm != null) {
            orm.close();
        }
        System.out.printf("read-your-writes paths: %d reads without the token were stale (the replica lags)%n", STALE_WITHOUT_TOKEN.get());
    }

    private static ShardedPersistenceBuilder builder(SchemaAction schema) {
        return ShardedPersistence.builder()
                .shard("s0", primary.jdbcUrl("ryw_0"), primary.username(), PASSWORD)
                .shard("s1", primary.jdbcUrl("ryw_1"), primary.username(), PASSWORD)
                .entities(User.class, Country.class).schema(schema).maximumPoolSize(3)
                .connectionTimeout(Duration.ofMillis(2000)).healthProbe(Duration.ofMillis(100), Duration.ofSeconds(1))
                .saga(renameBoth());
    }

    private static ShardedPersistenceBuilder withReplica(ShardedPersistenceBuilder b) {
        // a lag limit above the injected lag: the replica qualifies on lag, only the caller's token keeps reads off it
        return b.replica("s0", replica.jdbcUrl("ryw_0"), primary.username(), PASSWORD)
                .replica("s1", replica.jdbcUrl("ryw_1"), primary.username(), PASSWORD)
                .maxReplicaLag(Duration.ofSeconds(5));
    }

    /** Renames the user {@code k0} on its shard, then {@code k1} on its shard. */
    private static SagaDefinition renameBoth() {
        return SagaDefinition.named(RENAME)
                .step("rename-0", args -> args.getLong("k0"), (session, args) -> session.find(User.class, args.getLong("k0"))
                        .setName(args.getString("name")), null)
                .step("rename-1", args -> args.getLong("k1"), (session, args) -> session.find(User.class, args.getLong("k1"))
                        .setName(args.getString("name")), null)
                .build();
    }

    // ------------------------------------------------------------------ the paths

    @Test
    @Order(1)
    void atomicallyAcrossTwoShards_thenReads_seeTheWrite() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            orm.resetConsistency(); // only this round's write is in the token
            String name = "2pc-" + i;
            orm.atomically(List.of(k0, k1), tx -> {
                tx.session(k0).find(User.class, k0).setName(name);
                tx.session(k1).find(User.class, k1).setName(name);
            });
            assertTrue(orm.consistencyToken().position("s0") > 0 && orm.consistencyToken().position("s1") > 0,
                    "both participants extended the token: " + orm.consistencyToken());
            assertFresh(orm, name);
        }
    }

    @Test
    @Order(2)
    void atomicallyOnOneShard_thenReads_seeTheWrite() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            orm.resetConsistency(); // only this round's write is in the token
            String name = "one-shard-" + i;
            orm.atomically(List.of(k0), tx -> tx.session(k0).find(User.class, k0).setName(name));
            assertEquals(name, nameOn(orm, k0), "round " + i);
            staleWithoutToken(orm, k0, name);
        }
    }

    @Test
    @Order(3)
    void aSaga_thenReads_seeEveryStepsWrite() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            orm.resetConsistency(); // only this round's write is in the token
            String name = "saga-" + i;
            assertEquals(SagaOutcome.COMPLETED, orm.sagas().start(RENAME, Map.of("k0", k0, "k1", k1, "name", name)).outcome());
            assertFresh(orm, name);
        }
    }

    @Test
    @Order(4)
    void aReferenceWrite_byTwoPhaseCommitAndBySaga_thenReadsOnEveryShard_seeIt() throws Exception {
        for (ShardedPersistence unit : List.of(orm, sagaReferences)) {
            for (int i = 0; i < ROUNDS; i++) {
                unit.resetConsistency(); // only this round's write is in the token
                String name = (unit == orm ? "ref-2pc-" : "ref-saga-") + i;
                unit.references().save(new Country("NL", name, i));
                for (String shard : List.of("s0", "s1")) {
                    long key = shard.equals("s0") ? k0 : k1;
                    assertEquals(name, unit.fromReadOnlyTransaction(key, s -> s.find(Country.class, "NL").getName()),
                            "reference row read on " + shard + ", round " + i + " (" + (unit == orm ? "two-phase commit" : "saga") + ")");
                }
                assertEquals(name, unit.references().find(Country.class, "NL").orElseThrow().getName());
                assertEquals(name, unit.references().find(Country.class, "NL").orElseThrow().getName());
                String seen = OTHER.submit(() -> {
                    unit.resetConsistency();
                    Country c = unit.fromReadOnlyTransaction(k0, s -> s.find(Country.class, "NL"));
                    return c == null ? null : c.getName(); // the first write may not have reached the replica at all
                }).get();
                if (!name.equals(seen)) {
                    STALE_WITHOUT_TOKEN.incrementAndGet();
                }
            }
        }
    }

    @Test
    @Order(5)
    void fromSessionCommittingItsOwnTransaction_thenReads_seeTheWrite() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            orm.resetConsistency(); // only this round's write is in the token
            String name = "session-" + i;
            orm.fromSession(k1, s -> {
                s.getTransaction().begin();
                s.find(User.class, k1).setName(name);
                s.getTransaction().commit();
                return null;
            });
            assertTrue(orm.consistencyToken().position("s1") > 0, "the session's commit extended the token: " + orm.consistencyToken());
            assertEquals(name, nameOn(orm, k1), "round " + i);
            staleWithoutToken(orm, k1, name);
        }
    }

    @Test
    @Order(6)
    void writesInsideAnExplicitToken_extendIt_andTheThreadsTokenAfterwards() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            String name = "explicit-" + i;
            orm.resetConsistency();
            ConsistencyToken carried = orm.withConsistency(ConsistencyToken.NONE, () -> {
                orm.atomically(List.of(k0, k1), tx -> {
                    tx.session(k0).find(User.class, k0).setName(name);
                    tx.session(k1).find(User.class, k1).setName(name);
                });
                orm.sagas().start(RENAME, Map.of("k0", k0, "k1", k1, "name", name + "+saga"));
                return orm.consistencyToken();
            });
            assertTrue(carried.position("s0") > 0 && carried.position("s1") > 0, "the explicit token has both writes: " + carried);
            // another thread, as another instance would: only the token's string crosses over
            String text = carried.toString();
            List<String> names = OTHER.submit(() -> {
                orm.resetConsistency();
                return orm.withConsistency(ConsistencyToken.parse(text), readBoth());
            }).get();
            assertEquals(List.of(name + "+saga", name + "+saga"), names, "read with the carried token, round " + i);
            // the writing thread saw its writes inside the scope: its own token has them after it too
            assertEquals(List.of(name + "+saga", name + "+saga"), readBoth().get(), "the writer's thread after the scope, round " + i);
        }
    }

    @Test
    @Order(7)
    void theReplicaReallyLagged_readersWithoutTheTokenReadOldValues() {
        System.out.printf("stale reads without the token: %d%n", STALE_WITHOUT_TOKEN.get());
        assertTrue(STALE_WITHOUT_TOKEN.get() > 0, "the lag was real: a reader without the token read an old value at least once");
    }

    // ------------------------------------------------------------------ helpers

    /** Both users carry {@code name} when this thread reads them (its token), while a thread without it reads old values. */
    private static void assertFresh(ShardedPersistence unit, String name) throws Exception {
        assertEquals(List.of(name, name), readBoth(unit).get(), "reads after the write on this thread");
        staleWithoutToken(unit, k0, name);
    }

    private static Supplier<List<String>> readBoth() {
        return readBoth(orm);
    }

    private static Supplier<List<String>> readBoth(ShardedPersistence unit) {
        return () -> List.of(nameOn(unit, k0), nameOn(unit, k1));
    }

    /** Counts a read without the token (another thread, token reset) that does not see {@code name}. */
    private static void staleWithoutToken(ShardedPersistence unit, long key, String name) throws Exception {
        String seen = OTHER.submit(() -> {
            unit.resetConsistency();
            return nameOn(unit, key);
        }).get();
        if (!name.equals(seen)) {
            STALE_WITHOUT_TOKEN.incrementAndGet();
        }
    }

    /** The user's name as a read-only call reads it (a replica, unless the token sends it to the primary). */
    private static String nameOn(ShardedPersistence unit, long key) {
        return unit.fromReadOnlyTransaction(key, s -> s.doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement("select name from users where id = ?")) {
                ps.setLong(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }));
    }

    private static void awaitReplicaUp(ShardedPersistence unit) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!unit.health().stream().allMatch(h -> h.replicas().stream()
                .allMatch(r -> r.state() == HealthState.UP && r.lag() != NodeHealth.INFINITE))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replica not UP: " + unit.health());
            }
            Thread.sleep(20);
        }
    }
}
