package io.github.shardingorm.internal.topology;

import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.BucketState.Phase;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.Topology;
import io.github.shardingorm.spi.BucketedShardResolver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology of one running instance and the moves of online resharding (the contract is in the
 * package note). The instance routes by {@link #current()}; {@link #adopt} installs a newer version
 * (its own change or one it follows): the resolver's map, the router's fenced buckets, the session
 * version of {@link TopologyGuc}, then the listeners.
 *
 * <h2>Design note</h2>
 * Each move step is one {@link TopologyStore#publish} whose {@link TopologyStore.ShardStep} does the
 * source shard's part (trigger, fence rows) in the very transaction that writes the new version
 * there, so the source's fence and its version never disagree. The state checks run on the
 * topology read under the home-shard lock, so two movers cannot both pass them.
 */
public final class TopologyService {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyService.class);

    private final TopologyStore store;
    private final BucketedShardResolver resolver;
    private final ShardRouter router;
    private final TopologyGuc guc;
    private final List<String> shardedTables;
    private final long fenceWaitMillis;
    private final List<Consumer<Topology>> listeners = new CopyOnWriteArrayList<>();
    private volatile Topology current;

    TopologyService(TopologyStore store, ShardRouter router, TopologyGuc guc, List<String> shardedTables,
                    long fenceWaitMillis, Topology initial) {
        this.store = store;
        this.router = router;
        this.resolver = router.bucketed();
        this.guc = guc;
        this.shardedTables = List.copyOf(shardedTables);
        this.fenceWaitMillis = fenceWaitMillis;
        this.current = initial;
        router.fence(fencedBuckets(initial));
        router.movedFrom(movedFrom(initial));
        guc.version(initial.version());
    }

    TopologyStore store() {
        return store;
    }

    /** Whether changes are published by two-phase commit (atomic across the shards) rather than the ordered protocol. */
    public boolean atomicPublish() {
        return store.atomic();
    }

    /** The topology this instance routes by now. */
    public Topology current() {
        return current;
    }

    /** The sharded tables (those that get the fence trigger). */
    public List<String> shardedTables() {
        return shardedTables;
    }

    /**
     * How many write statements ran on a connection whose version was raised to the instance's
     * just before them (checked out before the instance adopted a newer version; see
     * {@link TopologyGuc#beforeWrite}). For tests and benchmarks.
     */
    public long writesBroughtUpToDate() {
        return guc.broughtUpToDate();
    }

    /** Calls {@code listener} with every newer topology this instance adopts. */
    public void onTopologyChange(Consumer<Topology> listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Version N+1: {@code buckets} {@code MOVING(from, to)}, still mapped to {@code from}; the fence
     * trigger installed (with no fence rows it lets every write through) on {@code from}'s sharded tables.
     *
     * @throws IllegalStateException naming the bucket when one is not SERVING on {@code from}
     */
    public Topology beginMove(Set<Integer> buckets, String from, String to) {
        router.checkShard(from);
        router.checkShard(to);
        if (from.equals(to)) {
            throw new IllegalArgumentException("beginMove: source and target are both shard '" + from + "'");
        }
        SortedMap<Integer, BucketState> changes = new TreeMap<>();
        // the trigger goes on first, one table per short transaction that never queues writers for
        // long (see TriggerDdl), under the shard's trigger lock so that no releaseFence drops it
        // between here and the version that marks the buckets MOVING
        try (TriggerDdl ddl = TriggerDdl.lock(store, from)) {
            ddl.install(shardedTables);
            return change("beginMove " + describe(buckets) + " " + from + "->" + to, t -> {
                for (int b : checkBuckets(t, buckets)) {
                    BucketState s = t.stateOf(b);
                    if (s.phase() != Phase.SERVING || !t.map().shardOf(b).equals(from)) {
                        throw new IllegalStateException("beginMove: bucket " + b + " is " + s + " on shard '" + t.map().shardOf(b)
                                + "' at topology version " + t.version() + ", not SERVING on '" + from + "'");
                    }
                    changes.put(b, BucketState.of(Phase.MOVING, from, to));
                }
                return next(t, changes, Map.of());
            }, (shard, c, next) -> {
                if (shard.equals(from)) {
                    TriggerDdl.requireInstalled(c, shard, shardedTables);
                }
            });
        }
    }

    /**
     * Version N+2: {@code buckets} {@code FENCED}, fence rows on their source (no write to the
     * source's sharded tables passes until {@link #completeMove} or {@link #abortMove}); returns
     * once every transaction on the source that started before the fence has ended.
     *
     * @throws IllegalStateException naming the bucket when one is not MOVING, or when older
     *                               transactions are still running after the wait bound (the fence stays)
     */
    public Topology fence(Set<Integer> buckets) {
        Topology published = change("fence " + describe(buckets), t -> {
            SortedMap<Integer, BucketState> changes = new TreeMap<>();
            for (int b : checkBuckets(t, buckets)) {
                BucketState s = requirePhase(t, b, Phase.MOVING, "fence");
                changes.put(b, BucketState.of(Phase.FENCED, s.from(), s.to()));
            }
            return next(t, changes, Map.of());
        }, (shard, c, next) -> {
            List<Object> mine = new ArrayList<>();
            List<Object> targets = new ArrayList<>();
            for (int b : new TreeSet<>(buckets)) {
                BucketState s = next.stateOf(b);
                if (s.from().equals(shard)) {
                    mine.add(b);
                    targets.add(s.to());
                }
            }
            if (mine.isEmpty()) {
                return;
            }
            TriggerDdl.requireInstalled(c, shard, shardedTables);
            // one statement for all the shard's buckets (it was one per bucket, as a batch)
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sharding_orm.fence (bucket, to_shard, fenced_at_version, min_version)"
                    + " SELECT b, t, ?, NULL FROM unnest(?::int[], ?::text[]) AS x (b, t)"
                    + " ON CONFLICT (bucket) DO UPDATE SET to_shard = EXCLUDED.to_shard,"
                    + " fenced_at_version = EXCLUDED.fenced_at_version, min_version = NULL")) {
                ps.setLong(1, next.version());
                ps.setArray(2, c.createArrayOf("int4", mine.toArray()));
                ps.setArray(3, c.createArrayOf("text", targets.toArray()));
                ps.executeUpdate();
            }
        }, sourcesOf(current, buckets));
        Set<String> sources = sourcesOf(published, buckets);
        long started = System.nanoTime();
        List<String> waitedFor = new ArrayList<>();
        for (String source : sources) {
            waitedFor.addAll(awaitOlderTransactions(source));
        }
        LOG.info("fence {}: version {} published; transactions older than the fence on {} ended after {} ms (waited for {})",
                describe(buckets), published.version(), sources, (System.nanoTime() - started) / 1_000_000, waitedFor);
        return published;
    }

    /**
     * Version N+3: {@code buckets} mapped to their target, state {@code MOVED(from, to)}; the
     * source's fence now lets through sessions at this version or later (and refuses older ones).
     *
     * @throws IllegalStateException naming the bucket when one is not FENCED
     */
    public Topology completeMove(Set<Integer> buckets) {
        return change("completeMove " + describe(buckets), t -> {
            SortedMap<Integer, BucketState> changes = new TreeMap<>();
            Map<Integer, String> owners = new TreeMap<>();
            for (int b : checkBuckets(t, buckets)) {
                BucketState s = requirePhase(t, b, Phase.FENCED, "completeMove");
                changes.put(b, BucketState.of(Phase.MOVED, s.from(), s.to()));
                owners.put(b, s.to());
            }
            return next(t, changes, owners);
        }, (shard, c, next) -> {
            // only on the buckets' sources: the other shards hold no fence rows of them (it was an UPDATE per bucket on every shard)
            if (sourcesOf(next, buckets).contains(shard)) {
                updateFence(c, buckets, "UPDATE sharding_orm.fence SET min_version = " + next.version() + " WHERE bucket = ANY (?)");
            }
        }, sourcesOf(current, buckets));
    }

    /**
     * A new version with {@code buckets} (MOVING or FENCED) back to SERVING on their source; their
     * fence rows dropped, and the trigger when nothing else moves from that shard.
     *
     * @throws IllegalStateException naming the bucket when one is SERVING or already MOVED
     */
    public Topology abortMove(Set<Integer> buckets) {
        Map<Integer, String> sources = new TreeMap<>();
        return dropTriggersAfter(sources, change("abortMove " + describe(buckets), t -> {
            SortedMap<Integer, BucketState> changes = new TreeMap<>();
            for (int b : checkBuckets(t, buckets)) {
                BucketState s = t.stateOf(b);
                if (s.phase() != Phase.MOVING && s.phase() != Phase.FENCED) {
                    throw new IllegalStateException("abortMove: bucket " + b + " is " + s + " at topology version " + t.version()
                            + ", not MOVING or FENCED");
                }
                changes.put(b, BucketState.SERVING);
                sources.put(b, s.from());
            }
            return next(t, changes, Map.of());
        }, dropFence(sources)));
    }

    /**
     * After the source's copies of {@code buckets} (MOVED) are deleted: a new version with them
     * SERVING on the target, their fence rows dropped, and the trigger when nothing else moves from
     * the source. Only safe once no instance can still carry a version older than the move's
     * completion (see {@link Topology#instances()}).
     */
    public Topology releaseFence(Set<Integer> buckets) {
        Map<Integer, String> sources = new TreeMap<>();
        return dropTriggersAfter(sources, change("releaseFence " + describe(buckets), t -> {
            SortedMap<Integer, BucketState> changes = new TreeMap<>();
            for (int b : checkBuckets(t, buckets)) {
                sources.put(b, requirePhase(t, b, Phase.MOVED, "releaseFence").from());
                changes.put(b, BucketState.SERVING);
            }
            return next(t, changes, Map.of());
        }, dropFence(sources)));
    }

    /** Counts the rows of the sharded entities per bucket on one shard (by hashing keys in Java). */
    @FunctionalInterface
    public interface RowCounter {
        Map<Integer, Long> count(String shard, Set<Integer> buckets);
    }

    /**
     * A new placement ({@code replaceShardMap}), safe by default: only buckets that hold no rows
     * change shard. The buckets that change go through the mover's steps (begin, fence: no write
     * reaches their old shard from then on, so the count below cannot go stale), their rows are
     * counted on the old shard, and then either the move completes (no rows: the buckets map to
     * their new shard, the fence is dropped once every live instance follows the new version) or
     * it is aborted and the change refused, listing the buckets that hold rows.
     *
     * @throws IllegalArgumentException when the version is not higher or the bucket count differs
     * @throws IllegalStateException    when a bucket that changes is moving, or holds rows
     */
    public Topology replaceMap(ShardMap map, RowCounter counter) {
        synchronized (replaceLock) {
            return replaceMapLocked(map, counter);
        }
    }

    private final Object replaceLock = new Object();

    private Topology replaceMapLocked(ShardMap map, RowCounter counter) {
        Topology t = current;
        if (map.version() <= t.version()) {
            throw new IllegalArgumentException("new shard map version " + map.version()
                    + " must be higher than the current topology version " + t.version());
        }
        if (map.bucketCount() != t.map().bucketCount()) {
            throw new IllegalArgumentException("new shard map version " + map.version() + " has " + map.bucketCount()
                    + " buckets but the cluster has " + t.map().bucketCount());
        }
        for (String shard : map.shards()) {
            router.checkShard(shard);
        }
        Map<String, Map<String, Set<Integer>>> moves = new TreeMap<>(); // from -> to -> buckets
        Set<Integer> changed = new TreeSet<>();
        for (int b = 0; b < map.bucketCount(); b++) {
            String from = t.map().shardOf(b);
            String to = map.shardOf(b);
            if (!from.equals(to)) {
                if (t.stateOf(b).phase() != Phase.SERVING) {
                    throw new IllegalStateException("replaceShardMap: bucket " + b + " is " + t.stateOf(b)
                            + "; finish or abort that move first");
                }
                moves.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>()).add(b);
                changed.add(b);
            }
        }
        if (changed.isEmpty()) {
            return change("replaceShardMap to version " + map.version() + " (same placement)",
                    x -> new Topology(x.clusterId(), Math.max(map.version(), x.version() + 1),
                            rebuild(x.map(), Math.max(map.version(), x.version() + 1)), x.moving(), List.of(), true), (TopologyStore.ShardStep) null);
        }
        moves.forEach((from, byTarget) -> byTarget.forEach((to, buckets) -> beginMove(buckets, from, to)));
        Map<Integer, Long> rows = new TreeMap<>();
        try {
            fence(changed);
            moves.forEach((from, byTarget) -> {
                Set<Integer> mine = new TreeSet<>();
                byTarget.values().forEach(mine::addAll);
                counter.count(from, mine).forEach((b, n) -> {
                    if (n > 0) {
                        rows.put(b, n);
                    }
                });
            });
        } catch (RuntimeException e) {
            abortQuietly(changed, e);
            throw e;
        }
        if (!rows.isEmpty()) {
            abortQuietly(changed, null);
            throw new IllegalStateException("replaceShardMap to version " + map.version() + " refused: it would strand rows in "
                    + rows.size() + " bucket(s) that change shard, bucket=rows " + rows
                    + " (move them with online resharding, or change only empty buckets)");
        }
        Topology done = completeMove(changed);
        awaitInstancesAt(done.version());
        Topology released = releaseFence(changed);
        if (released.version() < map.version()) {
            released = change("replaceShardMap to version " + map.version(),
                    x -> new Topology(x.clusterId(), map.version(), rebuild(x.map(), map.version()), x.moving(), List.of(), true), (TopologyStore.ShardStep) null);
        }
        return released;
    }

    private void abortQuietly(Set<Integer> buckets, RuntimeException failure) {
        try {
            abortMove(buckets);
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw e;
            }
        }
    }

    private static ShardMap rebuild(ShardMap map, long version) {
        ShardMap.Builder b = ShardMap.builder(map.bucketCount()).version(version);
        map.ranges().forEach(r -> b.assign(r.from(), r.toInclusive(), r.shard()));
        return b.build();
    }

    /** Instances whose heartbeat is this fresh count as live (the others refuse writes by now). */
    private volatile java.util.function.Supplier<List<Topology.Instance>> instances = List::of;
    private volatile long instanceWaitMillis = 5_000;

    void instances(java.util.function.Supplier<List<Topology.Instance>> live, long waitMillis) {
        this.instances = live;
        this.instanceWaitMillis = waitMillis;
    }

    /**
     * Waits until every live instance reports {@code version} or later (bounded: an instance that
     * cannot follow for the staleness bound refuses writes on its own).
     */
    public void awaitInstancesAt(long version) {
        long deadline = System.nanoTime() + instanceWaitMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            boolean behind = instances.get().stream().anyMatch(i -> i.version() < version);
            if (!behind) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("instances still behind topology version {} after {} ms: {}", version, instanceWaitMillis, instances.get());
    }

    private volatile boolean followingPaused;

    /**
     * Internal, for tests (a stale instance in the same JVM): while paused, this instance adopts no
     * version it FOLLOWS (its own changes still apply); its reads of the topology still succeed, so
     * it goes on writing by its old map, as a slow or partitioned instance would before the
     * staleness bound. The fence must refuse every such write on a source shard.
     */
    public void pauseFollowing(boolean paused) {
        this.followingPaused = paused;
    }

    boolean followingPaused() {
        return followingPaused;
    }

    /** Installs {@code next} when it is newer than the current topology; then tells the listeners. */
    public synchronized boolean adopt(Topology next) {
        Topology now = current;
        if (next.version() <= now.version()) {
            return false;
        }
        if (!next.map().equals(resolver.shardMap()) && next.version() > resolver.shardMap().version()) {
            resolver.replaceShardMap(next.map());
        }
        router.fence(fencedBuckets(next));
        router.movedFrom(movedFrom(next));
        current = next;
        guc.version(next.version());
        LOG.info("topology version {} adopted (was {}): {}", next.version(), now.version(), next);
        for (Consumer<Topology> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("topology listener {} failed on version {}", listener, next.version(), e);
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ helpers

    private Topology change(String what, UnaryOperator<Topology> change, TopologyStore.ShardStep step) {
        return change(what, change, step, Set.of());
    }

    /** As {@link #change(String, UnaryOperator, TopologyStore.ShardStep)}, the shards in {@code late} committed after the others. */
    private Topology change(String what, UnaryOperator<Topology> change, TopologyStore.ShardStep step, Set<String> late) {
        Topology published = store.publish(what, change, step, this::adopt, late);
        guc.readSucceeded();
        adopt(published);
        LOG.info("{}: published topology version {}", what, published.version());
        return published;
    }

    /** A copy of {@code t} at version + 1 with {@code states} and {@code owners} applied. */
    static Topology next(Topology t, Map<Integer, BucketState> states, Map<Integer, String> owners) {
        if (t.version() == Long.MAX_VALUE) {
            throw new IllegalStateException("topology version " + t.version() + " cannot be increased");
        }
        long version = t.version() + 1;
        int n = t.map().bucketCount();
        ShardMap.Builder map = ShardMap.builder(n).version(version);
        for (int b = 0; b < n; b++) {
            String owner = owners.get(b);
            map.assign(b, b, owner != null ? owner : t.map().shardOf(b));
        }
        SortedMap<Integer, BucketState> moving = new TreeMap<>(t.moving());
        states.forEach((b, s) -> {
            if (s.phase() == Phase.SERVING) {
                moving.remove(b);
            } else {
                moving.put(b, s);
            }
        });
        return new Topology(t.clusterId(), version, map.build(), moving, List.of(), true);
    }

    private static Set<Integer> checkBuckets(Topology t, Set<Integer> buckets) {
        if (buckets == null || buckets.isEmpty()) {
            throw new IllegalArgumentException("no buckets given");
        }
        for (int b : buckets) {
            if (b < 0 || b >= t.map().bucketCount()) {
                throw new IllegalArgumentException("bucket " + b + " is outside [0, " + t.map().bucketCount() + ")");
            }
        }
        return new TreeSet<>(buckets);
    }

    private static BucketState requirePhase(Topology t, int bucket, Phase phase, String step) {
        BucketState s = t.stateOf(bucket);
        if (s.phase() != phase) {
            throw new IllegalStateException(step + ": bucket " + bucket + " is " + s + " at topology version " + t.version()
                    + ", not " + phase);
        }
        return s;
    }

    /** Drops the fence rows of {@code sources}' buckets (the trigger goes after the version, see {@link #dropTriggersAfter}). */
    private TopologyStore.ShardStep dropFence(Map<Integer, String> sources) {
        return (shard, c, next) -> {
            List<Integer> mine = new ArrayList<>();
            sources.forEach((b, source) -> {
                if (source.equals(shard)) {
                    mine.add(b);
                }
            });
            if (mine.isEmpty()) {
                return;
            }
            updateFence(c, mine, "DELETE FROM sharding_orm.fence WHERE bucket = ANY (?)");
        };
    }

    /**
     * After a version that ended moves: drops the fence trigger from each source from which
     * nothing moves any more, OUTSIDE the version's transaction (the trigger without fence rows
     * lets every write through, so dropping it later is safe; a trigger that cannot be dropped now
     * stays a no-op until the next move reuses it). Returns {@code published}.
     */
    private Topology dropTriggersAfter(Map<Integer, String> sources, Topology published) {
        for (String shard : new TreeSet<>(sources.values())) {
            try (TriggerDdl ddl = TriggerDdl.lock(store, shard)) {
                if (ddl.nothingMoves()) {
                    ddl.drop(shardedTables);
                }
            } catch (RuntimeException e) {
                LOG.warn("the fence trigger on shard '{}' could not be dropped after version {}; it stays, without fence rows"
                        + " it lets every write through", shard, published.version(), e);
            }
        }
        return published;
    }

    /** Runs {@code sql} with the buckets as one {@code int[]} parameter: one statement, not one per bucket. */
    private static void updateFence(Connection c, java.util.Collection<Integer> buckets, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("int4", buckets.toArray()));
            ps.executeUpdate();
        }
    }

    /**
     * Waits until every transaction on {@code shard} that started before now (after the fence
     * committed) has ended: {@code pg_stat_activity.xact_start}, other backends of this database,
     * and two-phase transactions prepared before now ({@code pg_prepared_xacts}: they hold writes
     * that passed the trigger before the fence and become visible only at COMMIT PREPARED).
     * Polls after 1 ms, then doubling up to 10 ms: the older transactions are usually short
     * writes, and the fenced buckets' writers wait for this. Returns the transactions found by
     * the first look (empty when none had to end).
     */
    private List<String> awaitOlderTransactions(String shard) {
        long deadline = System.nanoTime() + fenceWaitMillis * 1_000_000;
        try (Connection c = store.connection(shard)) {
            c.setAutoCommit(true);
            // one statement per look: the fence's time (the first look takes clock_timestamp(), after the fence's commit),
            // the older client transactions and the two-phase transactions PREPARED before the fence (they have no backend
            // but commit their writes later; the topology's own two-phase changes write no user rows: not waited for).
            // It was 3 statements for the first look and 2 for each further one.
            try (PreparedStatement ps = c.prepareStatement("SELECT t.at, x.who, x.since FROM"
                    + " (SELECT coalesce(?::timestamptz, clock_timestamp()) AS at) t CROSS JOIN LATERAL ("
                    + " SELECT 'pid ' || pid || ': ' || left(query, 200) AS who, xact_start AS since FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < t.at"
                    + " AND backend_type = 'client backend'"
                    + " UNION ALL SELECT 'prepared transaction ' || gid, prepared FROM pg_prepared_xacts"
                    + " WHERE database = current_database() AND prepared < t.at AND gid NOT LIKE '" + TopologyStore.GID_LIKE + "'"
                    + " UNION ALL SELECT NULL, NULL) x ORDER BY x.since NULLS LAST")) {
                Timestamp fencedAt = null;
                List<String> first = null;
                long pause = 1;
                while (true) {
                    ps.setTimestamp(1, fencedAt);
                    List<String> older = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            fencedAt = rs.getTimestamp(1);
                            if (rs.getString(2) != null) {
                                older.add(rs.getString(2) + " since " + rs.getTimestamp(3));
                            }
                        }
                    }
                    if (first == null) {
                        first = older;
                    }
                    if (older.isEmpty()) {
                        return first;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("fence on shard '" + shard + "': " + older.size() + " transaction(s) older"
                                + " than the fence still run after " + fenceWaitMillis + " ms (the fence stays; abort or retry): " + older);
                    }
                    Thread.sleep(pause);
                    pause = Math.min(10, pause * 2);
                }
            } finally {
                c.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw new io.github.shardingorm.ShardingException("fence on shard '" + shard + "': waiting for older transactions failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fence on shard '" + shard + "': interrupted while waiting for older transactions", e);
        }
    }

    /**
     * The shards {@code buckets} move away from in {@code t}: a version that makes
     * their fence stricter commits there after another shard (by this instance's topology) (see {@link TopologyStore#publish(String,
     * UnaryOperator, TopologyStore.ShardStep, Consumer, Set)}); only an order, so a stale view costs nothing.
     */
    private static Set<String> sourcesOf(Topology t, Set<Integer> buckets) {
        Set<String> sources = new TreeSet<>();
        for (int b : buckets) {
            if (b >= 0 && b < t.map().bucketCount() && t.stateOf(b).from() != null) {
                sources.add(t.stateOf(b).from());
            }
        }
        return sources;
    }

    private static boolean[] fencedBuckets(Topology t) {
        boolean any = false;
        boolean[] fenced = new boolean[t.map().bucketCount()];
        for (Map.Entry<Integer, BucketState> e : t.moving().entrySet()) {
            if (e.getValue().phase() == Phase.FENCED) {
                fenced[e.getKey()] = true;
                any = true;
            }
        }
        return any ? fenced : null;
    }

    /** Per bucket, the shard a MOVED bucket moved away from (null elsewhere); null when none is MOVED. */
    private static String[] movedFrom(Topology t) {
        String[] from = null;
        for (Map.Entry<Integer, BucketState> e : t.moving().entrySet()) {
            if (e.getValue().phase() == Phase.MOVED) {
                if (from == null) {
                    from = new String[t.map().bucketCount()];
                }
                from[e.getKey()] = e.getValue().from();
            }
        }
        return from;
    }

    private static String describe(Set<Integer> buckets) {
        return "buckets " + (buckets == null ? "[]" : new TreeSet<>(buckets));
    }
}
