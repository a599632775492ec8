package io.github.shardingorm.it.topology;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.ShardedRepository;
import io.github.shardingorm.internal.id.ShardingRuntime;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A JVM of {@link NodeIdIT}: one sharding-orm instance on one shard (node id leased, never
 * configured unless asked) inserting posts with {@code @ShardedId} ids for ONE owner, in batches
 * of 50. Arguments: {@code url user owner count clockOffsetMillis leaseMillis requestedNodeId [holdFile]}
 * ({@code count} 0 = until killed; {@code requestedNodeId} -1 = lease a free one; with
 * {@code holdFile} the instance stays open, lease held, until that file exists). Prints
 * {@code NODE n}, {@code READY}, then {@code INSERTED n FAILED f MAXID id}, {@code HOLDING} and {@code DONE}.
 */
public final class NodeIdChild {

    private NodeIdChild() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        long owner = Long.parseLong(args[2]);
        int count = Integer.parseInt(args[3]);
        long offset = Long.parseLong(args[4]);
        long lease = Long.parseLong(args[5]);
        int requested = Integer.parseInt(args[6]);
        LongSupplier clock = () -> System.currentTimeMillis() + offset;
        ShardedPersistenceBuilder builder = ShardedPersistence.builder().shard("s0", url, user, "")
                .entities(User.class, Post.class).schema(SchemaAction.VALIDATE).maximumPoolSize(1)
                .connectionTimeout(Duration.ofSeconds(60)) // 20 JVMs start at once on a small machine
                .nodeIdLease(Duration.ofMillis(lease)).hibernateProperty(ShardingRuntime.CLOCK_PROPERTY, clock);
        if (requested >= 0) {
            builder.nodeId(requested);
        }
        try (ShardedPersistence orm = builder.build()) {
            ShardedRepository<Post, Long> posts = orm.repository(Post.class);
            int inserted = 0;
            int failed = 0;
            long maxId = 0;
            boolean printedNode = false;
            while (count == 0 || inserted + failed < count) {
                List<Post> batch = new ArrayList<>();
                for (int i = 0; i < 50 && (count == 0 || inserted + failed + i < count); i++) {
                    batch.add(new Post(owner, "p"));
                }
                try {
                    posts.saveAll(batch);
                    inserted += batch.size();
                    for (Post p : batch) {
                        maxId = Math.max(maxId, p.getId());
                    }
                    if (!printedNode) {
                        System.out.println("NODE " + ShardAwareId.nodeIdOf(batch.get(0).getId()));
                        System.out.println("READY");
                        printedNode = true;
                    }
                    if (count == 0) {
                        System.out.println("INSERTED " + inserted + " FAILED " + failed + " MAXID " + maxId);
                    }
                } catch (RuntimeException e) {
                    failed += batch.size();
                    System.out.println("failure: " + e);
                }
                System.out.flush();
            }
            System.out.println("INSERTED " + inserted + " FAILED " + failed + " MAXID " + maxId);
            if (args.length > 7) {
                System.out.println("HOLDING");
                System.out.flush();
                java.nio.file.Path hold = java.nio.file.Path.of(args[7]);
                long deadline = System.currentTimeMillis() + 900_000;
                while (!java.nio.file.Files.exists(hold) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
            }
        }
        System.out.println("DONE");
        System.out.flush();
    }
}
