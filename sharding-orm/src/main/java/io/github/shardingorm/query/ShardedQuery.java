package io.github.shardingorm.query;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A JPQL/HQL (or Criteria) select query over a sharded persistence unit.
 *
 * <p>Routing: when the WHERE clause pins the shard key ({@code key = :k}, {@code key in (...)},
 * under AND; a range on a range-strategy key; a shard-aware id), the query runs on the owning
 * shard(s) only; otherwise it runs on every shard in parallel and the rows are merged so that the
 * answer is the one a single database holding every row would give: ORDER BY (a streaming k-way
 * merge, PostgreSQL's NULLS LAST for ASC and NULLS FIRST for DESC), limit/offset, COUNT, SUM, MIN,
 * MAX, AVG (rewritten to SUM and COUNT per shard), COUNT(DISTINCT), GROUP BY with HAVING evaluated
 * after the merge, DISTINCT. A query whose merge would not be exact is rejected with
 * {@link UnsupportedShardQueryException} before any shard is queried: when it is created if it can
 * only fan out, else when it runs and its bound keys span several shards (a window function is
 * fine on the one shard a key pins). DISTINCT compares entities by class and id.
 *
 * <p>Not merged across shards (rejected, never approximated): window functions, set operations,
 * CTEs, joins or subqueries between sharded entities not tied by their shard keys, aggregates
 * other than COUNT/SUM/MIN/MAX/AVG, SUM/AVG(DISTINCT), expressions over aggregates other than
 * {@code + - * / %}, ORDER BY with COLLATE or ignore case, GROUP BY ROLLUP/CUBE or an entity.
 * Text is merged in the shards' collation order: exact for C/POSIX collations (code point order),
 * approximated with {@link java.text.Collator} otherwise.
 *
 * <p>Instances are immutable: every setter returns a new query, so a configured query can be
 * reused and shared between threads. Nothing runs until {@link #list()}, {@link #single()},
 * {@link #stream()} or {@link #result()}.
 *
 * <p>Results are detached: entities come from sessions that are closed when the query returns
 * (read-only sessions for {@code list()}, stateless sessions for {@code stream()}).
 *
 * @param <R> the row type: an entity, a scalar, {@code Object[]} for several selections, or a
 *            class with a constructor taking the selections in order
 */
public interface ShardedQuery<R> {

    /** Binds a named parameter ({@code :name}). */
    ShardedQuery<R> param(String name, Object value);

    /** Binds a positional parameter ({@code ?1}). */
    ShardedQuery<R> param(int position, Object value);

    /** At most {@code maxRows} rows (>= 0); each shard is asked for offset + maxRows rows. */
    ShardedQuery<R> limit(int maxRows);

    /** Skips the first {@code rows} rows of the merged answer (>= 0). */
    ShardedQuery<R> offset(int rows);

    /**
     * Fails the query (or, with {@link FailurePolicy#PARTIAL}, drops the shards that are late)
     * when it has not completed within {@code timeout}; the late shards' statements are cancelled.
     * For {@link #stream()}, the timeout bounds opening the stream (every shard's first batch).
     */
    ShardedQuery<R> timeout(Duration timeout);

    /**
     * Where the shards' reads of {@link #list()} and {@link #result()} go (instead of the configured
     * default, see {@link io.github.shardingorm.health.ReadFrom}); the caller's consistency token goes
     * with them. {@link #stream()} reads the primaries.
     */
    ShardedQuery<R> readFrom(io.github.shardingorm.health.ReadFrom readFrom);

    /** What to do when a shard fails; default {@link FailurePolicy#FAIL}. */
    ShardedQuery<R> failurePolicy(FailurePolicy policy);

    /** JDBC fetch size per shard for {@link #stream()} (rows held per shard); default 1000. */
    ShardedQuery<R> fetchSize(int rows);

    /**
     * Keyset pagination: only rows that come after a row with these ORDER BY values (one value per
     * ORDER BY item, in order; nulls allowed). The query must have an ORDER BY that is total (end
     * it with a unique column such as the id) and no GROUP BY.
     */
    ShardedQuery<R> after(Object... lastRowSortValues);

    /** Runs the query and returns the merged rows. @throws ShardQueryException when a shard fails under FAIL */
    List<R> list();

    /**
     * Runs the query expecting at most one row.
     *
     * @return the row, or empty when there is none
     * @throws jakarta.persistence.NonUniqueResultException when there is more than one
     */
    Optional<R> single();

    /** Runs the query and returns the rows together with the shards queried and those missing. */
    ShardedResult<R> result();

    /**
     * Streams the merged rows while holding at most {@link #fetchSize(int)} rows per shard (plus
     * one per shard for the merge); each shard is read inside a read-only transaction with a
     * cursor. The stream holds connections until it is closed: always close it (try-with-resources).
     * Grouped queries are merged in memory first (one row per group).
     */
    Stream<R> stream();

    /**
     * The shards this query would run on with the current parameters (the routing decision), without
     * running it. Empty when the keys match no shard (contradictory keys, {@code key = null}, an empty
     * IN list, a range no shard owns) and the answer needs no database: no rows, or for a global
     * aggregate one row with COUNT 0 and the other aggregates null. Such a query, if it cannot be
     * merged (a window function) or selects a constant expression next to a global aggregate, runs
     * on one shard instead.
     */
    Set<String> targetShards();
}
