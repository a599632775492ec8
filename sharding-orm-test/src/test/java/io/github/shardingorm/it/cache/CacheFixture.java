package io.github.shardingorm.it.cache;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.cache.CacheConfig;
import io.github.shardingorm.cache.RegionStatistics;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.cache.CacheRuntime;
import io.github.shardingorm.it.cache.model.Account;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Shared pieces of the cache tests: instances over the same shard databases, direct SQL, waiting. */
final class CacheFixture {

    static final String ACCOUNT = Account.class.getName();
    static final String ASIDE = ACCOUNT + "#aside";
    static final String QUERY_REGION = "default-query-results-region";

    private CacheFixture() {
    }

    /** Second-level cache of Account, the query cache, and the cache-aside of Account's findById. */
    static CacheConfig everything() {
        return CacheConfig.builder()
                .entity(Account.class, 10_000, Duration.ofMinutes(10))
                .queryCache(true)
                .cacheAside(Account.class, 10_000, Duration.ofMinutes(10))
                .build();
    }

    static ShardedPersistenceBuilder builder(ShardDatabases databases, SchemaAction schema) {
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        for (ShardDatabase db : databases) {
            b.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        return b.entities(Account.class).schema(schema).maximumPoolSize(6).connectionTimeout(Duration.ofSeconds(5));
    }

    static ShardedPersistence instance(ShardDatabases databases, SchemaAction schema, CacheConfig cache) {
        return builder(databases, schema).cache(cache).build();
    }

    static CacheRuntime cache(ShardedPersistence orm) {
        return ((ShardedPersistenceImpl) orm).cache();
    }

    static long keyOn(ShardedPersistence orm, String shard, long from) {
        long k = from;
        while (!orm.shardOf(k).equals(shard)) {
            k++;
        }
        return k;
    }

    static RegionStatistics stats(ShardedPersistence orm, String region, String shard) {
        return orm.cacheStatistics().region(region, shard);
    }

    /** The balance in the shard's database, or null when the row is absent. */
    static Long balance(ShardDatabase db, long id) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT balance FROM cached_account WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    static void execute(ShardDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Terminates the backends of an instance's cache listeners on one shard; returns how many. */
    static int killListener(ShardDatabase db, ShardedPersistence orm) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ? AND datname = current_database()")) {
            ps.setString(1, cache(orm).listenerApplicationName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Waits until {@code condition} holds, failing after {@code timeout}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    static Long findBalance(ShardedPersistence orm, long owner, long id) {
        return orm.<Account, Long>repository(Account.class).findById(owner, id).map(Account::getBalance).orElse(null);
    }

    static Long sessionBalance(ShardedPersistence orm, long owner, long id) {
        return orm.fromReadOnlyTransaction(owner, s -> {
            Account a = s.find(Account.class, id);
            return a == null ? null : a.getBalance();
        });
    }

    static List<Account> queryOwner(ShardedPersistence orm, long owner) {
        return orm.fromReadOnlyTransaction(owner, s -> s.createSelectionQuery("from CachedAccount a where a.owner = :o order by a.id", Account.class)
                .setParameter("o", owner).setCacheable(true).getResultList());
    }

    static void setBalance(ShardedPersistence orm, long owner, long id, long balance) {
        orm.inTransaction(owner, s -> s.find(Account.class, id).setBalance(balance));
    }
}
