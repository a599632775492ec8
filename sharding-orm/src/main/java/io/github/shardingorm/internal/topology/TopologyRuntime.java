package io.github.shardingorm.internal.topology;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.internal.id.NodeIdClaim;
import java.util.function.LongSupplier;
import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.internal.config.TopologySettings;
import io.github.shardingorm.internal.jdbc.ShardPools;
import io.github.shardingorm.internal.routing.BucketedHashResolver;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.routing.ShardMap;
import io.github.shardingorm.routing.Topology;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up of the stored topology, and what runs it afterwards (service, follower, checkout hook).
 *
 * <h2>Design note: when the topology is stored</h2>
 * Only bucketed strategies on PostgreSQL shards have a map to store (other databases, e.g. the
 * samples' H2: in memory, as before). The schema action decides the tables:
 * <ul>
 *   <li>{@code CREATE}: the {@code sharding_orm} schema is dropped and re-created on every shard
 *       (CREATE drops the user's tables too: a fresh cluster, with the configured map);</li>
 *   <li>{@code UPDATE}: the tables are created where missing;</li>
 *   <li>{@code VALIDATE}, {@code NONE}: the stored topology is used when every shard has the
 *       tables; when NO shard has them, the topology is kept in memory as before (one INFO line:
 *       no following, no fence, node ids by hand). This is how a database set up by hand, with
 *       only the user's tables, still starts. Some shards with and some without is an error.</li>
 * </ul>
 * With the tables, start-up reads every shard BEFORE writing anything and refuses (listing every
 * problem) a shard of another cluster, a shard whose stored identity is another shard id, a
 * stored bucket count that differs, a stored map that names unconfigured shards, and a
 * configured map that conflicts with the stored one (both versions named): an explicit map
 * must equal the stored one; a generated map (uniform, weighted, consistent hash) yields to a
 * stored map of a higher version and must equal one of the same version. Then it writes the
 * missing identities, repairs lagging shards with the highest version, and routes by the stored map.
 */
public final class TopologyRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyRuntime.class);

    /** How far ahead of the id clock a node-id lease reserves time (renewed with every heartbeat). */
    static final long NODE_RESERVATION_WINDOW_MILLIS = 2_000;

    private final TopologyService service;
    private final TopologyFollower follower;
    private final ShardPools pools;

    private TopologyRuntime(TopologyService service, TopologyFollower follower, ShardPools pools) {
        this.service = service;
        this.follower = follower;
        this.pools = pools;
    }

    /**
     * How changes are published from now on: by two-phase commit through {@code log} (every shard
     * allows prepared transactions and the write-log tables exist), or by the ordered protocol when
     * {@code log} is null ({@code why} says why). Called once by start-up, after two-phase commit started.
     */
    public void publishing(TopologyTwoPhase log, String why) {
        if (service == null) {
            return;
        }
        service.store().twoPhase(log);
        if (log != null) {
            LOG.info("sharding-orm topology: changes are published by two-phase commit (atomic across the shards)");
        } else {
            LOG.info("sharding-orm topology: changes are published by the ordered protocol (the highest stored version wins),"
                    + " not by two-phase commit: {}", why);
        }
    }

    /** The service, or null when the topology is kept in memory. */
    public TopologyService service() {
        return service;
    }

    /** The current topology, with the instances that follow it; an in-memory one when not stored. */
    public Topology topology(ShardRouter router) {
        if (service == null) {
            ShardMap map = router.bucketed().shardMap();
            return new Topology("local", map.version(), map, new TreeMap<>(), List.of(), false);
        }
        return service.current().withInstances(follower.instances(3 * Math.max(1000, settingsStaleAfter)));
    }

    private long settingsStaleAfter;

    /**
     * Start-up step after the schema action. Adds problems (and writes nothing) when the stored
     * topology and the configuration disagree.
     *
     * @param explicitMap whether the strategy's map was given explicitly
     * @param followerTimeoutMillis connect and socket timeout of the follower's own connections (the health probe's timeout)
     * @return the runtime; its service is null when the topology is not stored
     */
    public static TopologyRuntime start(SchemaAction action, TopologySettings settings, List<ShardDefinition> shards,
                                        ShardPools pools, ShardRouter router, boolean explicitMap, List<String> shardedTables,
                                        NodeIdClaim claim, Integer requestedNodeId, LongSupplier clock,
                                        long followerTimeoutMillis, List<String> problems, List<Throwable> causes) {
        TopologyRuntime off = new TopologyRuntime(null, null, pools);
        if (!router.isBucketed()) {
            return off;
        }
        Map<String, ShardDefinition> byId = new TreeMap<>();
        shards.forEach(s -> byId.put(s.id(), s));
        List<String> ascending = new ArrayList<>(byId.keySet());
        TopologyStore store = new TopologyStore(pools, ascending);
        int before = problems.size();
        try {
            List<String> notPostgres = notPostgres(store);
            if (!notPostgres.isEmpty()) {
                LOG.info("sharding-orm: shards {} are not PostgreSQL: the shard map is kept in memory (no stored topology,"
                        + " no following, no fence, node ids by hand)", notPostgres);
                return off;
            }
            if (!prepareSchema(action, store, shardedTables, problems)) {
                if (problems.size() == before) {
                    LOG.info("sharding-orm: the shards have no '{}' schema and the schema action is {}: the shard map is kept"
                            + " in memory (no following of other instances, no fence, node ids by hand); use schema action"
                            + " UPDATE or CREATE to store the topology", TopologySchema.SCHEMA, action);
                }
                return off;
            }
            Topology initial = reconcile(store, router, explicitMap, problems);
            if (problems.size() > before) {
                return off;
            }
            TopologyGuc guc = new TopologyGuc(settings.staleAfterMillis());
            guc.readSucceeded();
            TopologyService service = new TopologyService(store, router, guc, shardedTables, settings.fenceWaitMillis(), initial);
            String instanceId = UUID.randomUUID().toString();
            NodeLeases leases = new NodeLeases(store, instanceId, settings.nodeLeaseMillis(), NODE_RESERVATION_WINDOW_MILLIS, clock, claim);
            try {
                leases.acquire(requestedNodeId);
            } catch (ShardingConfigurationException e) {
                problems.addAll(e.getProblems());
                return off;
            }
            TopologyFollower follower = new TopologyFollower(store, new TopologyConnections(byId, pools, followerTimeoutMillis),
                    service, guc, byId.get(store.home()), settings.pollIntervalMillis(), instanceId);
            follower.leases(leases);
            pools.checkoutHook(guc);
            follower.start();
            service.instances(() -> follower.instances(settings.staleAfterMillis()),
                    settings.staleAfterMillis() + 2 * settings.pollIntervalMillis());
            TopologyRuntime runtime = new TopologyRuntime(service, follower, pools);
            runtime.settingsStaleAfter = settings.staleAfterMillis();
            LOG.info("sharding-orm topology: cluster {}, version {}, stored in {} shards (home '{}')", initial.clusterId(),
                    initial.version(), ascending.size(), store.home());
            return runtime;
        } catch (SQLException | RuntimeException e) {
            problems.add("the stored topology could not be read or written: " + e.getMessage());
            causes.add(e);
            return off;
        }
    }

    private static List<String> notPostgres(TopologyStore store) throws SQLException {
        List<String> others = new ArrayList<>();
        for (String shard : store.shards()) {
            try (Connection c = store.connection(shard)) {
                if (!"PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
                    others.add(shard);
                }
            }
        }
        return others;
    }

    /** @return whether the topology is stored (tables present or created) */
    private static boolean prepareSchema(SchemaAction action, TopologyStore store, List<String> tables, List<String> problems)
            throws SQLException {
        List<String> with = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (String shard : store.shards()) {
            try (Connection c = store.connection(shard)) {
                try {
                    if (action == SchemaAction.CREATE) {
                        TopologySchema.drop(c, tables);
                        TopologySchema.create(c);
                        with.add(shard);
                    } else if (action == SchemaAction.UPDATE) {
                        TopologySchema.create(c);
                        with.add(shard);
                    } else {
                        (TopologySchema.exists(c) ? with : without).add(shard);
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        }
        if (with.isEmpty()) {
            return false;
        }
        if (!without.isEmpty()) {
            problems.add("stored topology: shards " + with + " have the '" + TopologySchema.SCHEMA + "' tables but " + without
                    + " lack them (schema action " + action + "); create them with schema action UPDATE, or run TopologySchema.DDL");
            return false;
        }
        return true;
    }

    private record Stored(Topology topology, String identityCluster, String identityShard) {
    }

    private static Topology reconcile(TopologyStore store, ShardRouter router, boolean explicitMap, List<String> problems)
            throws SQLException {
        Map<String, Stored> stored = new LinkedHashMap<>();
        for (String shard : store.shards()) {
            try (Connection c = store.connection(shard)) {
                try {
                    Topology t = TopologyRows.read(c);
                    String[] identity = readIdentity(c);
                    stored.put(shard, new Stored(t, identity == null ? null : identity[0], identity == null ? null : identity[1]));
                } finally {
                    c.rollback();
                }
            }
        }
        ShardMap configured = router.bucketed().shardMap();
        int before = problems.size();
        // identities and clusters
        Map<String, List<String>> clusters = new TreeMap<>();
        stored.forEach((shard, s) -> {
            if (s.identityShard() != null && !s.identityShard().equals(shard)) {
                problems.add("shard '" + shard + "': its database is shard '" + s.identityShard() + "' of cluster "
                        + s.identityCluster() + " (stored identity); two shard URLs swapped or pointing at the same database?");
            }
            String cluster = s.topology() != null ? s.topology().clusterId() : s.identityCluster();
            if (cluster != null) {
                clusters.computeIfAbsent(cluster, k -> new ArrayList<>()).add(shard);
            }
            if (s.topology() != null && s.identityCluster() != null && !s.identityCluster().equals(s.topology().clusterId())) {
                problems.add("shard '" + shard + "': identity of cluster " + s.identityCluster() + " but topology of cluster "
                        + s.topology().clusterId());
            }
        });
        if (clusters.size() > 1) {
            problems.add("the shards belong to different clusters " + clusters + ": a database of another cluster is configured");
        }
        Topology highest = null;
        for (Stored s : stored.values()) {
            if (s.topology() != null && (highest == null || s.topology().version() > highest.version())) {
                highest = s.topology();
            }
        }
        if (highest != null) {
            if (highest.map().bucketCount() != configured.bucketCount()) {
                problems.add("the stored topology (cluster " + highest.clusterId() + ", version " + highest.version() + ") has "
                        + highest.map().bucketCount() + " buckets but " + configured.bucketCount() + " are configured");
            } else {
                for (String shard : highest.map().shards()) {
                    if (!stored.containsKey(shard)) {
                        problems.add("the stored shard map version " + highest.version() + " assigns " + highest.map().bucketsOf(shard)
                                + " buckets to shard '" + shard + "', which is not configured " + store.shards());
                    }
                }
                boolean samePlacement = samePlacement(highest.map(), configured);
                if (!samePlacement && (explicitMap || configured.version() >= highest.version())) {
                    problems.add("the configured shard map (version " + configured.version() + ") conflicts with the stored one"
                            + " (version " + highest.version() + ", cluster " + highest.clusterId() + "): " + firstDifference(highest.map(), configured)
                            + (explicitMap ? "; remove the explicit map to route by the stored one"
                            : "; the stored map wins only when its version is higher (change maps through replaceShardMap or resharding)"));
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        Topology target = highest != null ? highest
                : new Topology(UUID.randomUUID().toString(), configured.version(), configured, new TreeMap<>(), List.of(), true);
        for (Map.Entry<String, Stored> e : stored.entrySet()) {
            String shard = e.getKey();
            Stored s = e.getValue();
            try (Connection c = store.connection(shard)) {
                try {
                    if (s.identityShard() == null) {
                        writeIdentity(c, target.clusterId(), shard);
                    }
                    if (s.topology() == null || s.topology().version() < target.version()) {
                        if (!repair(c, target)) {
                            LOG.warn("shard '{}' stores topology version {} but its topology row is locked by a prepared topology"
                                    + " transaction (a publisher died between its decision and its commit): left to two-phase"
                                    + " recovery, which commits it; readers take the highest version ({}) meanwhile",
                                    shard, s.topology().version(), target.version());
                        } else if (s.topology() != null) {
                            LOG.warn("shard '{}' stored topology version {}; repaired to version {}", shard, s.topology().version(), target.version());
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException ex) {
                    c.rollback();
                    throw ex;
                }
            }
        }
        if (!target.map().equals(configured)) {
            ((BucketedHashResolver) router.bucketed()).resetTo(target.map());
            LOG.info("routing by the stored shard map version {} (configured: version {})", target.version(), configured.version());
        }
        return target;
    }

    private static boolean samePlacement(ShardMap a, ShardMap b) {
        if (a.bucketCount() != b.bucketCount()) {
            return false;
        }
        for (int i = 0; i < a.bucketCount(); i++) {
            if (!a.shardOf(i).equals(b.shardOf(i))) {
                return false;
            }
        }
        return true;
    }

    private static String firstDifference(ShardMap stored, ShardMap configured) {
        int differing = 0;
        int first = -1;
        for (int i = 0; i < stored.bucketCount(); i++) {
            if (!stored.shardOf(i).equals(configured.shardOf(i))) {
                differing++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        return differing + " buckets differ, the first is bucket " + first + " (stored on '" + stored.shardOf(first)
                + "', configured on '" + configured.shardOf(first) + "')";
    }

    /**
     * Writes {@code target} to a lagging shard, unless a prepared (two-phase) topology transaction
     * holds its row: waiting for it would hang start-up until recovery, which runs after start-up.
     *
     * @return false when the row is locked (nothing written)
     */
    private static boolean repair(Connection c, Topology target) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SAVEPOINT shorm_repair");
            st.execute("SET LOCAL lock_timeout = '2s'");
        }
        try {
            TopologyRows.write(c, target);
        } catch (SQLException e) {
            if (!"55P03".equals(e.getSQLState())) {
                throw e;
            }
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT shorm_repair");
            }
            return false;
        } finally {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL lock_timeout = 0");
            }
        }
        return true;
    }

    private static String[] readIdentity(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT cluster_id, shard_id FROM sharding_orm.shard_identity WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
        }
    }

    private static void writeIdentity(Connection c, String cluster, String shard) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sharding_orm.shard_identity (id, cluster_id, shard_id) VALUES (1, ?, ?)")) {
            ps.setString(1, cluster);
            ps.setString(2, shard);
            ps.executeUpdate();
        }
    }

    @Override
    public void close() {
        if (follower != null) {
            pools.checkoutHook(null);
            follower.close();
        }
    }
}
