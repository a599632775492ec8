/**
 * The topology as shared, durable state (issue 11): the versioned shard map, the state of every
 * bucket, the fence that makes a moving bucket unwritable on its old shard, and (later parts)
 * node-id leases, shard identity and the instances that follow the topology.
 *
 * <h2>Where it lives</h2>
 * In the shards themselves, schema {@code sharding_orm} on every shard ({@link TopologySchema}):
 * <ul>
 *   <li>{@code topology}: one row, {@code (cluster_id, version, bucket_count)};</li>
 *   <li>{@code topology_range}: the map as rows {@code from_bucket..to_bucket -> shard} with the
 *       bucket state ({@code SERVING}, {@code MOVING}, {@code FENCED}, {@code MOVED} and, for the
 *       last three, {@code move_from}/{@code move_to});</li>
 *   <li>{@code shard_identity}: {@code (cluster_id, shard_id)} of this database;</li>
 *   <li>{@code fence}: the buckets fenced on THIS shard (only the source of a move has rows);</li>
 *   <li>{@code instance}: heartbeats of the running instances (home shard only);</li>
 *   <li>{@code node_lease}: node-id leases (home shard only).</li>
 * </ul>
 * The home shard is the first shard in ascending shard-id order.
 *
 * <h2>Changing it</h2>
 * Every change writes every shard ({@link TopologyStore#publish}), the version only grows. The
 * protocol without two-phase commit (the default server has {@code max_prepared_transactions=0}):
 * the writer locks the home shard's {@code topology} row ({@code SELECT ... FOR UPDATE}, which
 * serializes writers), reads the version of every shard, takes the highest as current, then
 * writes the new version to the other shards (each its own transaction, compare-and-set
 * {@code WHERE version < new}) and to the home shard last, in the locked transaction. A writer
 * that dies half-way leaves some shards at the new version: readers always take the HIGHEST
 * version they can read (the version is the arbiter), and start-up repairs lagging shards.
 *
 * <h2>The fence: what a writer checks, what the mover holds, why no write slips between</h2>
 * <ul>
 *   <li>Every library connection carries the topology version of its instance as the session
 *       setting {@code shorm.topology_version}; it is SET on checkout only when it changed since
 *       that connection last had it (its own committed statement: zero round trips in steady
 *       state, see {@link TopologyGuc}).</li>
 *   <li>While buckets of a shard are moving, that (source) shard's sharded tables carry the
 *       statement trigger {@code shorm_fence} ({@link TopologySchema#FENCE_FUNCTION}); while no
 *       bucket moves there is no trigger at all, so nothing is paid.</li>
 *   <li>{@code fence(buckets)} writes the fence rows with {@code min_version NULL} (final stage)
 *       in the same source-shard transaction that raises the version: from its commit on, every
 *       write statement to the source's sharded tables is refused (SQLState {@code SHF01},
 *       mapped to the retryable {@code ShardTopologyChangedException} naming the fenced buckets
 *       and both versions). Then the mover waits until every transaction that started before
 *       that commit has ended ({@code pg_stat_activity.xact_start}); in READ COMMITTED each
 *       statement takes a new snapshot, so a statement that starts after the commit sees the
 *       fence row. After the wait no write to the source can happen that the mover's final read
 *       does not see.</li>
 *   <li>{@code completeMove(buckets)} maps the buckets to the target (state {@code MOVED}) and
 *       sets the fence's {@code min_version} to the new version: from then on the source accepts
 *       writes again, but only from sessions whose instance has seen that version (and therefore
 *       routes the moved buckets to the target). A stale instance (older version, or a session
 *       without the setting) is refused, never silently written to the old owner.</li>
 *   <li>The fence is coarse: during the final stage it refuses ALL writes to the source's
 *       sharded tables (a statement trigger cannot see a row's bucket without re-implementing
 *       xxHash64 in SQL), so the mover keeps that stage short (read the last changes, flip).</li>
 * </ul>
 *
 * <h2>The contract with online resharding (issue 12)</h2>
 * The mover calls {@link TopologyService} (the running instance's {@code topologyService()}):
 * <ul>
 *   <li>{@link TopologyService#current()}: the topology this instance routes by;</li>
 *   <li>{@link TopologyService#beginMove(java.util.Set, String, String)}: version N+1, the buckets
 *       {@code MOVING(from, to)}, still mapped to {@code from}, writes allowed; installs the fence
 *       trigger (with no fence rows: a no-op) on {@code from}'s sharded tables;</li>
 *   <li>{@link TopologyService#fence(java.util.Set)}: version N+2, the buckets {@code FENCED}
 *       (still mapped to the source), fence rows on the source; returns once every transaction
 *       older than the fence has finished (or throws after the wait bound, fence left in place);</li>
 *   <li>{@link TopologyService#completeMove(java.util.Set)}: version N+3, the buckets mapped to the
 *       target, state {@code MOVED(from, to)}, fence kept on the source with
 *       {@code min_version = N+3};</li>
 *   <li>{@link TopologyService#abortMove(java.util.Set)}: the buckets back to {@code SERVING} on the
 *       source, fence rows dropped (and the trigger when nothing else moves there), new version;</li>
 *   <li>{@link TopologyService#releaseFence(java.util.Set)}: after the source's copies are deleted,
 *       the {@code MOVED} buckets become {@code SERVING} on the target, their fence rows go, and the
 *       trigger goes when nothing else moves on that shard; new version;</li>
 *   <li>{@link TopologyService#onTopologyChange(java.util.function.Consumer)}: called with each new
 *       topology this instance adopts (its own changes and those it follows).</li>
 * </ul>
 * Every method is safe against concurrent writers (the home-shard lock) and throws
 * {@link IllegalStateException} naming the bucket when a bucket is not in the state the step
 * needs. The mover's own writes on the source (deleting the copies) must go through library
 * connections so that they carry the current version.
 */
package io.github.shardingorm.internal.topology;
