package io.github.shardingorm.it.resharding.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardTopologyChangedException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.writes.model.Country;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingPhase;
import io.github.shardingorm.resharding.ReshardingRefusedException;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Collection tables move with their owner: {@code shelf_labels} (an element collection) and
 * {@code shelf_countries} (a many-to-many join table) of {@link Shelf}, sharded by
 * {@code owner_id} while their rows only name {@code shelf_id}, and {@code reader_emails} of
 * {@link Reader}, sharded by its id. Under writers that add and remove collection elements,
 * create and delete owners, a shard is added (copy, catch-up, verify, switch, clean-up) or the
 * move rolled back; afterwards, by direct SQL on every shard, every collection row is on the
 * shard of its owner, on one shard only, and equals the writers' ledger; no slot, publication or
 * replica identity is left. A bag (no primary key) is refused at planning.
 */
@PostgresServers(count = 2, settings = {"wal_level=logical", "max_replication_slots=20", "max_wal_senders=20",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off"})
class CollectionMoveIT {

    private static final List<String> COUNTRIES = List.of("DE", "FR", "IT", "ES");

    private record Shard(String id, String url, String user) {
        Connection connect() throws java.sql.SQLException {
            return DriverManager.getConnection(url, user, "");
        }
    }

    /** What the writers acknowledged: per shelf its owner, labels and countries; per reader its emails. */
    private static final class Ledger {
        final Map<Long, Long> shelfOwner = new ConcurrentHashMap<>();
        final Map<Long, Set<String>> labels = new ConcurrentHashMap<>();
        final Map<Long, Set<String>> countries = new ConcurrentHashMap<>();
        final Map<Long, List<String>> emails = new ConcurrentHashMap<>();
    }

    @Test
    void collectionTablesMoveWithTheirOwnerUnderWrites(PostgresServerGroup servers) throws Exception {
        List<Shard> shards = shards(servers, "cm");
        try (ShardedPersistence orm = unit(shards, Shelf.class, Reader.class, Country.class)) {
            Ledger ledger = load(orm);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong refused = new AtomicLong();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> writers = writers(orm, ledger, running, refused, failures);
            Thread.sleep(500);
            ReshardingJob job = orm.resharding().addShard("s2").plan().start(p -> { });
            job.awaitCompletion();
            Thread.sleep(300);
            running.set(false);
            for (Thread w : writers) {
                w.join(30_000);
            }
            assertEquals(List.of(), failures, "writers failed");
            assertTrue(job.isDone(), job.progress().toString());
            assertTrue(orm.shardMap().bucketsOf("s2") > 0, orm.shardMap().toString());
            for (int b = 0; b < 64; b++) {
                assertEquals(BucketState.Phase.SERVING, orm.topology().stateOf(b).phase(), "bucket " + b);
            }
            checkPlacement(orm, shards, ledger);
            assertTrue(count(shards.get(2), "SELECT count(*) FROM shelf_labels") > 0, "labels moved to the new shard");
            assertTrue(count(shards.get(2), "SELECT count(*) FROM shelf_countries") > 0, "join rows moved to the new shard");
            assertTrue(count(shards.get(2), "SELECT count(*) FROM reader_emails") > 0, "emails moved to the new shard");
            assertEquals(List.of(), leftovers(shards));
            System.out.printf("collection move: %d shelves, %d readers at the end, %d writes refused by the fence and retried%n",
                    ledger.shelfOwner.size(), ledger.emails.size(), refused.get());
        }
    }

    @Test
    void rollingBackAMoveTakesTheCollectionRowsOffTheTarget(PostgresServerGroup servers) throws Exception {
        List<Shard> shards = shards(servers, "cr");
        try (ShardedPersistence orm = unit(shards, Shelf.class, Reader.class, Country.class)) {
            Ledger ledger = load(orm);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong refused = new AtomicLong();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> writers = writers(orm, ledger, running, refused, failures);
            java.util.concurrent.CountDownLatch caughtUp = new java.util.concurrent.CountDownLatch(1);
            ReshardingJob job = orm.resharding().addShard("s2").plan().start(p -> {
                if (p.phase() == ReshardingPhase.CATCHING_UP) {
                    caughtUp.countDown();
                }
            });
            assertTrue(caughtUp.await(120, java.util.concurrent.TimeUnit.SECONDS), "the move reached catch-up");
            job.stop();
            job.rollback();
            running.set(false);
            for (Thread w : writers) {
                w.join(30_000);
            }
            assertEquals(List.of(), failures, "writers failed");
            assertEquals(0, orm.shardMap().bucketsOf("s2"), orm.shardMap().toString());
            for (String table : List.of("shelves", "shelf_labels", "shelf_countries", "readers", "reader_emails")) {
                assertEquals(0, count(shards.get(2), "SELECT count(*) FROM " + table), table + " on the rolled-back target");
            }
            checkPlacement(orm, shards, ledger);
            assertEquals(List.of(), leftovers(shards));
        }
    }

    @Test
    void aCollectionTableWithoutPrimaryKeyIsRefusedAtPlanning(PostgresServerGroup servers) throws Exception {
        List<Shard> shards = shards(servers, "cb");
        try (ShardedPersistence orm = unit(shards, Pile.class)) {
            orm.inTransaction(1L, s -> {
                Pile p = new Pile(1L);
                p.getNotes().add("x");
                p.getNotes().add("x");
                s.persist(p);
            });
            ReshardingRefusedException e = assertThrows(ReshardingRefusedException.class,
                    () -> orm.resharding().addShard("s2").plan().start(p -> { }).awaitCompletion());
            assertTrue(e.getMessage().contains("table public.pile_notes") && e.getMessage().contains("no primary key")
                    && e.getMessage().contains("@OrderColumn"), e.getMessage());
            assertEquals(0, orm.shardMap().bucketsOf("s2"));
            assertEquals(List.of(), leftovers(shards));
        }
    }

    @Test
    void offlineImportPlacesCollectionRowsWithTheirOwner(PostgresServerGroup servers) throws Exception {
        importTest(servers, "ci_off", false);
    }

    @Test
    void onlineImportUnderCollectionWritesOnTheMonolith(PostgresServerGroup servers) throws Exception {
        importTest(servers, "ci_on", true);
    }

    /**
     * A monolith made and filled by a one-shard unit of the same entities (online: while a writer
     * keeps changing collections on it until the freeze), imported into 3 shards: every collection
     * row on its owner's shard, equal to what the monolith acknowledged.
     */
    private static void importTest(PostgresServerGroup servers, String name, boolean online) throws Exception {
        var server = servers.get(0);
        server.createDatabase(name + "_mono");
        Shard monolith = new Shard("mono", server.jdbcUrl(name + "_mono"), server.username());
        List<Shard> shards = shards(servers, name);
        try (ShardedPersistence mono = ShardedPersistence.builder().shard("m", monolith.url(), monolith.user(), "")
                .entities(Shelf.class, Reader.class, Country.class).schema(SchemaAction.CREATE).maximumPoolSize(3).build();
             ShardedPersistence orm = unit(shards, Shelf.class, Reader.class, Country.class)) {
            Ledger ledger = load(mono);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicLong acknowledged = new AtomicLong();
            Thread writer = new Thread(() -> {
                Random random = new Random(5);
                int n = 0;
                while (running.get()) {
                    long owner = 1 + random.nextInt(300);
                    List<Long> shelves = new ArrayList<>();
                    ledger.shelfOwner.forEach((id, o) -> {
                        if (o == owner) {
                            shelves.add(id);
                        }
                    });
                    String label = "m" + (++n);
                    try {
                        if (shelves.isEmpty() || random.nextInt(4) == 0) {
                            long id = mono.fromTransaction(owner, s -> {
                                Shelf shelf = new Shelf(owner);
                                shelf.getLabels().add(label);
                                shelf.getCountries().add(s.getReference(Country.class, COUNTRIES.get(0)));
                                s.persist(shelf);
                                s.flush();
                                return shelf.getId();
                            });
                            ledger.shelfOwner.put(id, owner);
                            ledger.labels.put(id, new TreeSet<>(Set.of(label)));
                            ledger.countries.put(id, new TreeSet<>(Set.of(COUNTRIES.get(0))));
                        } else if (random.nextInt(3) == 0) {
                            long id = shelves.get(0);
                            mono.inTransaction(owner, s -> s.remove(s.find(Shelf.class, id)));
                            ledger.shelfOwner.remove(id);
                            ledger.labels.remove(id);
                            ledger.countries.remove(id);
                        } else {
                            long id = shelves.get(random.nextInt(shelves.size()));
                            Set<String> next = new TreeSet<>(ledger.labels.get(id));
                            String gone = next.isEmpty() ? null : next.iterator().next();
                            next.remove(gone);
                            next.add(label);
                            mono.inTransaction(owner, s -> {
                                Shelf shelf = s.find(Shelf.class, id);
                                shelf.getLabels().remove(gone);
                                shelf.getLabels().add(label);
                            });
                            ledger.labels.put(id, next);
                        }
                        acknowledged.incrementAndGet();
                    } catch (Throwable e) {
                        for (Throwable c = e; c != null; c = c.getCause()) {
                            if (c instanceof java.sql.SQLException sql && "25006".equals(sql.getSQLState())) {
                                return; // frozen: the switch to the shards is under way
                            }
                        }
                        failures.add(e);
                        return;
                    }
                }
            }, "monolith-writer");
            if (online) {
                writer.start();
                Thread.sleep(300);
            }
            var plan = orm.resharding().importFrom(monolith.url(), monolith.user(), null);
            ReshardingJob job = (online ? plan.online() : plan.offline()).chunkRows(200).plan().start(null);
            job.awaitCompletion();
            running.set(false);
            if (online) {
                writer.join(30_000);
            }
            assertEquals(List.of(), failures, "the monolith writer failed");
            assertTrue(job.isDone(), job.progress().toString());
            assertEquals(List.of(), job.verify());
            checkPlacement(orm, shards, ledger);
            for (Shard s : shards.subList(0, 2)) { // s2 owns no bucket before a move
                assertTrue(count(s, "SELECT count(*) FROM shelf_labels") > 0, "labels on " + s.id());
                assertTrue(count(s, "SELECT count(*) FROM shelf_countries") > 0, "join rows on " + s.id());
            }
            List<Shard> all = new ArrayList<>(shards);
            all.add(monolith);
            assertEquals(List.of(), leftovers(all));
            System.out.printf("collection import (%s): %d acknowledged writes on the monolith during the import%n",
                    online ? "online" : "offline", acknowledged.get());
        }
    }

    // ------------------------------------------------------------------ fixture

    private static List<Shard> shards(PostgresServerGroup servers, String prefix) throws Exception {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var server = servers.get(i % 2);
            server.createDatabase(prefix + "_" + i);
            shards.add(new Shard("s" + i, server.jdbcUrl(prefix + "_" + i), server.username()));
        }
        return shards;
    }

    private static ShardedPersistence unit(List<Shard> shards, Class<?>... entities) {
        ShardMap initial = ShardMap.builder(64).version(1).assign(0, 31, "s0").assign(32, 63, "s1").build();
        var builder = ShardedPersistence.builder();
        shards.forEach(s -> builder.shard(s.id(), s.url(), s.user(), ""));
        return builder.entities(entities).schema(SchemaAction.CREATE).bucketCount(64)
                .strategy(ShardingStrategies.hash(initial)).maximumPoolSize(6).build();
    }

    private static Ledger load(ShardedPersistence orm) {
        return load(orm, 300);
    }

    private static Ledger load(ShardedPersistence orm, int owners) {
        for (String c : COUNTRIES) {
            orm.references().save(new Country(c, "country " + c, 1));
        }
        Ledger ledger = new Ledger();
        Random random = new Random(7);
        for (long owner = 1; owner <= owners; owner++) {
            long key = owner;
            for (int n = 0; n < 2; n++) {
                Set<String> labels = new TreeSet<>(List.of("l" + random.nextInt(5), "l" + random.nextInt(5)));
                Set<String> countries = new TreeSet<>(List.of(COUNTRIES.get(random.nextInt(4))));
                long id = orm.fromTransaction(key, s -> {
                    Shelf shelf = new Shelf(key);
                    shelf.getLabels().addAll(labels);
                    countries.forEach(c -> shelf.getCountries().add(s.getReference(Country.class, c)));
                    s.persist(shelf);
                    s.flush();
                    return shelf.getId();
                });
                ledger.shelfOwner.put(id, key);
                ledger.labels.put(id, labels);
                ledger.countries.put(id, countries);
            }
            List<String> emails = List.of("a" + owner + "@x", "b" + owner + "@x");
            orm.inTransaction(key, s -> {
                Reader r = new Reader(key);
                r.getEmails().addAll(emails);
                s.persist(r);
            });
            ledger.emails.put(owner, new ArrayList<>(emails));
        }
        return ledger;
    }

    /** Three writers, each on its own owners (owner % 3 == thread): add/remove labels, toggle countries, edit emails, create and delete shelves. */
    private static List<Thread> writers(ShardedPersistence orm, Ledger ledger, AtomicBoolean running, AtomicLong refused,
                                        List<Throwable> failures) {
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                Random random = new Random(100 + thread);
                int n = 0;
                try {
                    while (running.get()) {
                        n++;
                        long owner = 1 + 3L * random.nextInt(100) + thread;
                        List<Long> shelves = new ArrayList<>();
                        ledger.shelfOwner.forEach((id, o) -> {
                            if (o == owner) {
                                shelves.add(id);
                            }
                        });
                        int op = random.nextInt(6);
                        String label = "w" + thread + "-" + n;
                        String country = COUNTRIES.get(random.nextInt(4));
                        if (op == 0 || shelves.isEmpty()) {
                            long id = retry(refused, () -> orm.fromTransaction(owner, s -> {
                                Shelf shelf = new Shelf(owner);
                                shelf.getLabels().add(label);
                                shelf.getCountries().add(s.getReference(Country.class, country));
                                s.persist(shelf);
                                s.flush();
                                return shelf.getId();
                            }));
                            ledger.shelfOwner.put(id, owner);
                            ledger.labels.put(id, new TreeSet<>(Set.of(label)));
                            ledger.countries.put(id, new TreeSet<>(Set.of(country)));
                            continue;
                        }
                        long id = shelves.get(random.nextInt(shelves.size()));
                        if (op == 1) {
                            retry(refused, () -> orm.fromTransaction(owner, s -> {
                                s.remove(s.find(Shelf.class, id));
                                return null;
                            }));
                            ledger.shelfOwner.remove(id);
                            ledger.labels.remove(id);
                            ledger.countries.remove(id);
                        } else if (op == 2 || op == 3) {
                            Set<String> next = new TreeSet<>(ledger.labels.get(id));
                            String gone = next.isEmpty() || random.nextBoolean() ? null : next.iterator().next();
                            if (gone != null) {
                                next.remove(gone);
                            }
                            next.add(label);
                            retry(refused, () -> orm.fromTransaction(owner, s -> {
                                Shelf shelf = s.find(Shelf.class, id);
                                if (gone != null) {
                                    shelf.getLabels().remove(gone);
                                }
                                shelf.getLabels().add(label);
                                return null;
                            }));
                            ledger.labels.put(id, next);
                        } else if (op == 4) {
                            Set<String> next = new TreeSet<>(ledger.countries.get(id));
                            boolean had = !next.add(country);
                            if (had) {
                                next.remove(country);
                            }
                            retry(refused, () -> orm.fromTransaction(owner, s -> {
                                Shelf shelf = s.find(Shelf.class, id);
                                if (had) {
                                    shelf.getCountries().removeIf(c -> c.getCode().equals(country));
                                } else {
                                    shelf.getCountries().add(s.getReference(Country.class, country));
                                }
                                return null;
                            }));
                            ledger.countries.put(id, next);
                        } else {
                            List<String> next = new ArrayList<>(ledger.emails.get(owner));
                            if (next.size() > 3) {
                                next.remove(0);
                            }
                            next.add(label + "@x");
                            retry(refused, () -> orm.fromTransaction(owner, s -> {
                                List<String> emails = s.find(Reader.class, owner).getEmails();
                                emails.clear();
                                emails.addAll(next);
                                return null;
                            }));
                            ledger.emails.put(owner, next);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "collection-writer-" + t);
            w.start();
            writers.add(w);
        }
        return writers;
    }

    private static <T> T retry(AtomicLong refused, java.util.function.Supplier<T> work) throws InterruptedException {
        while (true) {
            try {
                return work.get();
            } catch (ShardTopologyChangedException e) {
                refused.incrementAndGet();
                Thread.sleep(2);
            }
        }
    }

    /** Direct SQL on every shard: each owner and collection row on its owner's shard, once, and equal to the ledger. */
    private static void checkPlacement(ShardedPersistence orm, List<Shard> shards, Ledger ledger) throws Exception {
        Map<Long, Long> shelfOwner = new HashMap<>();
        Map<Long, Set<String>> labels = new TreeMap<>();
        Map<Long, Set<String>> countries = new TreeMap<>();
        Map<Long, List<String>> emails = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT id, owner_id FROM shelves")) {
                    while (rs.next()) {
                        assertEquals(orm.shardOf(rs.getLong(2)), s.id(), "shelf " + rs.getLong(1) + " on its owner's shard");
                        assertTrue(shelfOwner.put(rs.getLong(1), rs.getLong(2)) == null, "shelf " + rs.getLong(1) + " on one shard only");
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT l.shelf_id, l.label, s.owner_id FROM shelf_labels l LEFT JOIN shelves s"
                        + " ON s.id = l.shelf_id")) {
                    while (rs.next()) {
                        long shelf = rs.getLong(1);
                        assertTrue(rs.getObject(3) != null, "label " + rs.getString(2) + " of shelf " + shelf + " on " + s.id()
                                + " without its shelf");
                        assertEquals(orm.shardOf(rs.getLong(3)), s.id(), "label of shelf " + shelf + " on its owner's shard");
                        assertTrue(seen.add("label " + shelf + " " + rs.getString(2)), "label row of shelf " + shelf + " once");
                        labels.computeIfAbsent(shelf, k -> new TreeSet<>()).add(rs.getString(2));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT j.shelf_id, j.country_code, s.owner_id FROM shelf_countries j"
                        + " LEFT JOIN shelves s ON s.id = j.shelf_id")) {
                    while (rs.next()) {
                        long shelf = rs.getLong(1);
                        assertTrue(rs.getObject(3) != null, "join row of shelf " + shelf + " on " + s.id() + " without its shelf");
                        assertEquals(orm.shardOf(rs.getLong(3)), s.id(), "join row of shelf " + shelf + " on its owner's shard");
                        assertTrue(seen.add("country " + shelf + " " + rs.getString(2)), "join row of shelf " + shelf + " once");
                        countries.computeIfAbsent(shelf, k -> new TreeSet<>()).add(rs.getString(2));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT reader_id, pos, email FROM reader_emails ORDER BY reader_id, pos")) {
                    while (rs.next()) {
                        long reader = rs.getLong(1);
                        assertEquals(orm.shardOf(reader), s.id(), "email of reader " + reader + " on its shard");
                        assertTrue(seen.add("email " + reader + " " + rs.getInt(2)), "email row of reader " + reader + " once");
                        emails.computeIfAbsent(reader, k -> new ArrayList<>()).add(rs.getString(3));
                    }
                }
            }
        }
        assertEquals(new TreeMap<>(ledger.shelfOwner), new TreeMap<>(shelfOwner), "every acknowledged shelf, nothing else");
        Map<Long, Set<String>> expectedLabels = new TreeMap<>();
        ledger.labels.forEach((id, l) -> {
            if (!l.isEmpty()) {
                expectedLabels.put(id, new TreeSet<>(l));
            }
        });
        assertEquals(expectedLabels, labels, "every acknowledged label, nothing else");
        Map<Long, Set<String>> expectedCountries = new TreeMap<>();
        ledger.countries.forEach((id, l) -> {
            if (!l.isEmpty()) {
                expectedCountries.put(id, new TreeSet<>(l));
            }
        });
        assertEquals(expectedCountries, countries, "every acknowledged join row, nothing else");
        Map<Long, List<String>> expectedEmails = new TreeMap<>();
        ledger.emails.forEach((id, l) -> {
            if (!l.isEmpty()) {
                expectedEmails.put(id, l);
            }
        });
        assertEquals(expectedEmails, emails, "every acknowledged email in order, nothing else");
    }

    private static long count(Shard s, String sql) throws Exception {
        try (Connection c = s.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Slots, publications, changed replica identities and fenced/moving state left behind. */
    private static List<String> leftovers(List<Shard> shards) throws Exception {
        List<String> left = new ArrayList<>();
        for (Shard s : shards) {
            try (Connection c = s.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE database = current_database()")) {
                    while (rs.next()) {
                        left.add("slot " + rs.getString(1) + " on " + s.id());
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT pubname FROM pg_publication")) {
                    while (rs.next()) {
                        left.add("publication " + rs.getString(1) + " on " + s.id());
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                        + " AND relkind = 'r' AND relreplident <> 'd'")) {
                    while (rs.next()) {
                        left.add("replica identity of " + rs.getString(1) + " on " + s.id());
                    }
                }
            }
        }
        return left;
    }

}
