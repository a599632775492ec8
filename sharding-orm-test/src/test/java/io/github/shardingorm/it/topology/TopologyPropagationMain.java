package io.github.shardingorm.it.topology;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.routing.Topology;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Workload runner for docs/benchmarks.md (issue 11): how long a new topology version takes to
 * reach N following instances. Starts 1 + N instances in this JVM (each with its own follower
 * thread and LISTEN connection, as separate processes would have) over 2 fresh databases, then
 * publishes {@code changes} versions from the first (beginMove / abortMove of one bucket, in
 * turn) and records, per change and instance, the time from the start of the publish to the
 * moment the instance adopted it. Prints p50 / p99 / max over all (change, instance) pairs.
 * Arguments: {@code baseUrl user followers changes}.
 */
public final class TopologyPropagationMain {

    private TopologyPropagationMain() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String user = args[1];
        int followers = Integer.parseInt(args[2]);
        int changes = Integer.parseInt(args[3]);
        List<String> dbs = List.of("shorm_prop_0", "shorm_prop_1");
        try (Connection c = DriverManager.getConnection(base, user, ""); Statement st = c.createStatement()) {
            for (String db : dbs) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                st.execute("CREATE DATABASE " + db);
            }
        }
        String prefix = base.substring(0, base.lastIndexOf('/') + 1);
        List<ShardedPersistence> all = new ArrayList<>();
        try {
            all.add(build(prefix, dbs, user, SchemaAction.CREATE));
            for (int i = 0; i < followers; i++) {
                all.add(build(prefix, dbs, user, SchemaAction.VALIDATE));
            }
            ConcurrentMap<Long, long[]> adoptedAt = new ConcurrentHashMap<>();
            ConcurrentMap<Long, CountDownLatch> latches = new ConcurrentHashMap<>();
            for (int i = 1; i < all.size(); i++) {
                int index = i - 1;
                ((ShardedPersistenceImpl) all.get(i)).topologyService().onTopologyChange((Topology t) -> {
                    long now = System.nanoTime();
                    adoptedAt.computeIfAbsent(t.version(), v -> new long[followers])[index] = now;
                    latches.computeIfAbsent(t.version(), v -> new CountDownLatch(followers)).countDown();
                });
            }
            TopologyService mover = ((ShardedPersistenceImpl) all.get(0)).topologyService();
            long[] micros = new long[changes * followers];
            int n = 0;
            for (int k = 0; k < changes; k++) {
                long expected = mover.current().version() + 1;
                latches.computeIfAbsent(expected, v -> new CountDownLatch(followers));
                long start = System.nanoTime();
                Topology t = (k % 2 == 0) ? mover.beginMove(Set.of(0), "s0", "s1") : mover.abortMove(Set.of(0));
                if (!latches.get(t.version()).await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("version " + t.version() + " did not reach every follower in 10 s");
                }
                for (long at : adoptedAt.get(t.version())) {
                    micros[n++] = (at - start) / 1000;
                }
                Thread.sleep(50);
            }
            Arrays.sort(micros);
            System.out.printf("followers=%d changes=%d samples=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", followers, changes, n,
                    micros[n / 2] / 1000.0, micros[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1000.0, micros[n - 1] / 1000.0);
        } finally {
            for (ShardedPersistence orm : all) {
                orm.close();
            }
            try (Connection c = DriverManager.getConnection(base, user, ""); Statement st = c.createStatement()) {
                for (String db : dbs) {
                    st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                }
            }
        }
    }

    private static ShardedPersistence build(String prefix, List<String> dbs, String user, SchemaAction action) {
        ShardedPersistenceBuilder b = ShardedPersistence.builder();
        for (int i = 0; i < dbs.size(); i++) {
            b.shard("s" + i, prefix + dbs.get(i), user, "");
        }
        return b.entities(User.class, Post.class).schema(action).maximumPoolSize(2).build();
    }
}
