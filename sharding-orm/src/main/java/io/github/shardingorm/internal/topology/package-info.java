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
 * Every change writes every shard ({@link TopologyStore#publish}), the version only grows, and
 * changes are serialized by a lock on the home shard's {@code topology} row
 * ({@code SELECT ... FOR UPDATE}). Which protocol runs is decided at start-up and logged:
 * <ul>
 *   <li><b>Two-phase commit</b>, when two-phase commit is available: every shard has
 *       {@code max_prepared_transactions > 0} (read at start-up), the write-log tables exist, and
 *       it is not disabled ({@code sharding.two-phase-commit}). The writer, holding the lock,
 *       writes every shard (home included) in its own transaction, {@code PREPARE}s each as
 *       {@code shorm_topo<id>:<home>:<shard>}, logs the commit decision in the home shard's
 *       {@code shorm_2pc_decision} (the library's two-phase decision log, the home shard being the
 *       coordinator the gid names), then {@code COMMIT PREPARED} the others and the home shard
 *       last. A failure before the decision rolls everything back; a crash leaves prepared
 *       transactions that the library's two-phase recovery resolves like any other (no second
 *       recovery): commit when the decision is logged, roll back once older than the grace period
 *       without one. It runs at start-up (its first pass), in the recovery loop, and when a
 *       follower sees a prepared topology transaction on a shard (it asks for a pass every 5 s).
 *       A change is thus on every shard or on none; between the first and the last
 *       {@code COMMIT PREPARED} a reader may see both versions and takes the highest.
 *       <b>What a prepared change locks:</b> only rows of {@code sharding_orm} (the topology
 *       row, the {@code topology_range} rows, the {@code fence} rows it writes). The fence
 *       trigger and the follower read them by MVCC and never wait; writers of the user's tables
 *       never touch them; only another publisher (and the start-up repair, which then skips the
 *       shard after a 2 s lock timeout) waits, until recovery resolves it. The trigger DDL is
 *       never part of a version's transaction, prepared or not ({@link TriggerDdl}): installed
 *       before the change, dropped after it, one table per short transaction with a lock timeout,
 *       under the shard's trigger lock (CREATE TRIGGER's lock would block every writer of the
 *       table while prepared); a trigger without fence rows lets every write through, so either
 *       left over by a crash is harmless. {@code NOTIFY} cannot be part
 *       of a prepared transaction: it is sent after the commit.</li>
 *   <li><b>The ordered protocol</b> otherwise (the default server has
 *       {@code max_prepared_transactions=0}): the writer, holding the lock, reads the version of
 *       every shard, takes the highest as current, then writes the new version to the other
 *       shards (each its own transaction, compare-and-set {@code WHERE version < new}) and to the
 *       home shard last, in the locked transaction. A writer that dies half-way leaves some shards
 *       at the new version: readers always take the HIGHEST version they can read (the version is
 *       the arbiter), and start-up repairs lagging shards.</li>
 * </ul>
 * The fence's invariant holds under both: the source shard's fence rows and its version are
 * written in one transaction (prepared and committed together), and {@code fence()} waits for
 * older transactions only after its change is committed everywhere.
 *
 * <h2>Not built yet: a metadata database the user names (design)</h2>
 * Issue 11 allows the map to live in one database the user names instead of the shards. The
 * design, so that it keeps the fence's invariant:
 * <ul>
 *   <li>Builder option {@code topologyDatabase(url, user, password)} (or a DataSource). It holds
 *       {@code topology}, {@code topology_range}, {@code instance}, {@code node_lease}; the shards
 *       keep {@code shard_identity}, the {@code fence} rows and the trigger (the trigger must run
 *       in the source's own transaction, so its rows must be local). One database: a change to
 *       the map alone is atomic by itself, and readers read one version (no "highest wins").</li>
 *   <li>A change that also writes a source shard ({@code fence}: fence rows at F;
 *       {@code completeMove}: {@code min_version}; abort/release: delete them) spans two
 *       databases. With prepared transactions: the same two-phase publish with the metadata
 *       database as a participant and as coordinator (its own decision table; the two-phase
 *       recovery must then also list and resolve gids whose coordinator is the metadata
 *       database, not only a shard). Without: source first, then metadata: fence rows at F
 *       committed on the source while the map is still at F-1 refuse every write of sessions
 *       below F there (a short pause of the source until instances adopt F), and the invariant
 *       holds (a session at F has seen F's fence); a crash between the two leaves fence rows with
 *       {@code fenced_at_version} above the stored version, which no instance can ever reach:
 *       start-up and the follower delete them under the metadata lock (safe: F was never
 *       committed). completeMove may go in either order (sessions in [F, M) are refused in Java,
 *       below F by the trigger).</li>
 *   <li>Following and staleness read only the metadata database (on the follower's own
 *       connection): it is a single point whose outage stops writes after the staleness bound,
 *       which is why it is optional and the default stays in the shards.</li>
 * </ul>
 *
 * <h2>Following</h2>
 * {@link TopologyFollower}: LISTEN on the home shard plus a poll of every shard's version; all of
 * its reads and writes (poll, heartbeat, lease renewal) go through {@link TopologyConnections},
 * its own connection per shard with a short timeout, never the application's pools; shards whose
 * breaker is open are skipped, a shard that failed is retried on a background thread.
 *
 * <h2>The fence per bucket: what a writer checks, what the mover holds, why no write slips between</h2>
 * <ul>
 *   <li><b>The version a connection carries.</b> Every library connection carries the topology
 *       version of its instance as the session setting {@code shorm.topology_version}; it is SET
 *       on checkout only when it changed since that connection last had it (its own committed
 *       statement: zero round trips in steady state, see {@link TopologyGuc}). An instance
 *       installs a new version in this order: the shard map, the router's FENCED and MOVED
 *       buckets, then the version connections get; so a connection checked out at version V is
 *       handed out by an instance whose routing state is at least V.</li>
 *   <li><b>The trigger (what the mover holds).</b> While buckets of a shard are moving, that
 *       (source) shard's sharded tables (and the collection tables of sharded entities) carry the
 *       statement trigger {@code shorm_fence} ({@link TopologySchema#FENCE_FUNCTION}); while no
 *       bucket moves there is no trigger at all, so nothing is paid. {@code fence(buckets)}
 *       writes fence rows {@code (bucket, fenced_at_version F, min_version NULL)} in the same
 *       source-shard transaction that raises the version to F. From its commit, every write
 *       statement of a session carrying a version below F is refused (SQLState {@code SHF01},
 *       the retryable {@code ShardTopologyChangedException} naming the buckets and both
 *       versions), whatever bucket it writes: such a session's instance has not seen the fence.
 *       Sessions at F or later pass. Then the mover waits until every transaction that started
 *       before that commit has ended ({@code pg_stat_activity.xact_start}, and two-phase
 *       transactions prepared before it, {@code pg_prepared_xacts}; in READ COMMITTED
 *       each statement takes a new snapshot, so a statement that starts after the commit sees
 *       the fence rows).</li>
 *   <li><b>The Java check (what a writer checks).</b> A session at F or later is refused in Java
 *       on the fenced buckets only: {@link io.github.shardingorm.internal.routing.ShardRouter#checkWriteNow}
 *       runs when each entity statement is about to execute (pre-insert, pre-update, pre-upsert,
 *       pre-delete, and the pre-collection events for collection rows, for stateful and
 *       stateless sessions), and refuses a FENCED bucket, or a bucket that no longer maps to the
 *       session's shard (routed by an older map). Bulk statements ({@code orm.executeUpdate},
 *       {@code executeOnAllShards}) may touch any row, so they are refused on a shard with a
 *       FENCED bucket, and refused when the map changed after they were routed and the targets
 *       differ.</li>
 *   <li><b>The invariant that joins them.</b> Every write's Java check is made against a topology
 *       at least as new as the version its connection carries. It holds because the check runs
 *       after the connection is checked out: inside a transaction Hibernate takes the connection
 *       at {@code begin} (auto-commit off), before any statement of the work; outside one (a
 *       stateless session in auto-commit) the guard takes the session's connection first. The
 *       routing that happens BEFORE checkout (repository calls, {@code saveAll}'s grouping,
 *       {@code executeUpdate}'s targets, saga steps, two-phase commit, the reference writer) only
 *       picks the session's shard; the authoritative check is the one at execution, so a route
 *       made by an older map is caught there (a volatile compare of the map's version for bulk
 *       statements, the key's bucket for entities). Therefore a session at F or later has had
 *       its check against F's fence, and a session below F meets the trigger.</li>
 *   <li><b>Why nothing slips between.</b> A write to a fenced bucket B on the source S after the
 *       fence's commit comes from a session either below F (refused by the trigger on S) or at F
 *       or later (its check saw B FENCED, or B mapped away from S: refused in Java). Writes that
 *       began before the commit end before {@code fence()} returns. So after {@code fence()}
 *       returns, no write to B reaches S that the mover's final read does not see, while writes
 *       of up-to-date instances to S's other buckets go on (they never pause).</li>
 *   <li><b>After the switch.</b> {@code completeMove(buckets)} maps the buckets to the target
 *       (state {@code MOVED}) and sets the fence's {@code min_version} to the new version M: the
 *       trigger now refuses sessions below M (a stale instance, or a session without the
 *       setting: never a silent write to the old owner), and an instance at M routes B to the
 *       target; a write routed to S by an older map is refused by the Java check (retryable).</li>
 *   <li><b>The application's own bulk and native writes.</b> A bulk or native mutation run in the
 *       application's own Hibernate session (not through {@code orm.executeUpdate}) may touch any
 *       row; the unit's statement inspector
 *       ({@link io.github.shardingorm.internal.hibernate.FenceStatementInspector}) refuses it, when
 *       it writes a table that moves, on a shard with a FENCED bucket (the session's shard; any
 *       shard when the session's shard is not bound to the thread). Hibernate runs such a statement
 *       only inside a transaction, which took its connection at {@code begin}: the same invariant.
 *       Plain JDBC on a connection obtained from the session ({@code doWork}) is not seen.</li>
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
