package io.github.shardingorm.resharding;

import java.util.List;

/**
 * Online resharding of a bucketed cluster ({@code orm.resharding()}): plan a change of bucket
 * placement, then run it while the application reads and writes.
 *
 * <pre>{@code
 * ReshardingPlan plan = orm.resharding().addShard("s4").throttle(50_000).plan();
 * System.out.println(plan.describe());            // moves, buckets, rows, bytes, estimated time
 * ReshardingJob job = plan.start(p -> System.out.println(p.toLine()));
 * job.awaitCompletion();                          // or job.rollback()
 * }</pre>
 *
 * Each planned move takes a set of buckets, with the rows of every sharded table, from one shard
 * to another: copy from a snapshot, catch-up from the source's WAL, verification, a short fenced
 * switch, deletion of the source's copies. A job survives a restart of the JVM running it
 * ({@link #unfinished()} finds it again). Preconditions are checked when planning: a plan that
 * cannot run is refused with every problem listed ({@link ReshardingRefusedException}).
 */
public interface Resharding {

    /** Moves buckets {@code from..toInclusive} (whatever shards own them now) to {@code targetShard}. */
    Builder moveBuckets(int from, int toInclusive, String targetShard);

    /** Gives {@code shardId} (configured, owning no buckets) an even share, taken from every other shard. */
    Builder addShard(String shardId);

    /** Moves the upper half of {@code shardId}'s buckets to {@code intoShard}. */
    Builder split(String shardId, String intoShard);

    /** Moves every bucket of {@code fromShard} to {@code intoShard}. */
    Builder merge(String fromShard, String intoShard);

    /** Evens out the number of buckets over every configured shard. */
    Builder rebalance();

    /** Jobs recorded on the shards and not finished (after a crash or restart): resume or roll them back. */
    List<ReshardingJob> unfinished();

    /**
     * Imports a single unsharded PostgreSQL database (the monolith split) into the configured
     * shards: every row of a sharded table goes to the shard its key maps to, reference tables go
     * to every shard, other tables are left out. The schema must exist on the shards already
     * (the unit's schema action creates it). See {@link Import}.
     *
     * @param jdbcUrl  the monolith's JDBC URL ({@code jdbc:postgresql://...})
     * @param user     its user (needs the REPLICATION attribute for {@link Import#online()})
     * @param password its password, or null
     */
    Import importFrom(String jdbcUrl, String user, String password);

    /**
     * The recorded progress of imports not finished (one entry per target shard and move), so an
     * operator sees them after a crash; plan the same import again to resume it, or roll it back.
     */
    List<ReshardingProgress> unfinishedImports();

    /**
     * Options of an import, then {@link #plan()}. By default the tables of the unit's sharded
     * entities are sharded by their key column, the tables of its {@code @ReferenceTable}
     * entities are reference tables, and every other table of the monolith is left out (listed
     * by {@link ReshardingPlan#describe()}).
     */
    interface Import {

        /** Classifies one table of the monolith (name as in SQL, optionally schema-qualified). */
        TableChoice table(String table);

        /** Copy while nothing writes to the monolith (the default): chunked, verified, resumable; no WAL decoding. */
        Import offline();

        /**
         * Copy while the application keeps writing to the monolith: a snapshot copy, then its WAL
         * changes routed per row to the owning shard, then a short write freeze on the imported
         * tables at the switch (needs {@code wal_level=logical}).
         */
        Import online();

        /** At most this many rows per second read from the monolith; 0 for no limit. */
        Import throttle(long rowsPerSecond);

        /** Rows per copied chunk (the most copy work a crash can cost); default 20,000. */
        Import chunkRows(int rows);

        /** Allow shards whose imported tables already hold rows (refused by default). */
        Import allowNonEmptyShards();

        /**
         * Classifies the tables and checks every precondition, creating nothing; resumes an
         * unfinished import of the same tables recorded on the shards.
         *
         * @throws ReshardingRefusedException listing every problem (a table missing on the monolith or a
         *     shard, different columns, no primary key, no key column, wal_level for online, a shard that is not
         *     empty, an unfinished resharding job, an unreachable database)
         */
        ReshardingPlan plan();

        /** How one table is imported. */
        interface TableChoice {

            /** Sharded by the key column the unit maps for this table. */
            Import sharded();

            /** Sharded by {@code keyColumn} (smallint, integer, bigint, text, varchar or uuid). */
            Import sharded(String keyColumn);

            /** Copied whole to every shard. */
            Import reference();

            /** Left out. */
            Import skip();
        }
    }

    /** Options of a plan, then {@link #plan()}. */
    interface Builder {

        /** At most this many rows per second copied (and deleted at clean-up) per move; 0 for no limit. */
        Builder throttle(long rowsPerSecond);

        /** Rows per copied chunk (the most copy work a crash can cost); default 20,000. */
        Builder chunkRows(int rows);

        /** Keep the moved rows on the source until {@link ReshardingJob#complete()} (default: delete them after the switch). */
        Builder keepSourceRowsUntilComplete();

        /** Compare per-bucket counts and checksums before each switch (default true). */
        Builder verify(boolean verify);

        /**
         * Computes the moves and checks every precondition.
         *
         * @throws ReshardingRefusedException listing every problem (unknown shard, bucket outside the
         *     map, an overlapping job, wal_level, slots, a table without a primary key, an unreachable shard)
         */
        ReshardingPlan plan();
    }
}
