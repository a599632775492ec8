package io.github.shardingorm.it.topology;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.Topology;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A JVM of {@link TopologyJvmsIT}: one sharding-orm instance on the 2 shards of the test (schema
 * VALIDATE: the parent created the cluster) that follows the stored topology and obeys commands
 * on stdin. Arguments: {@code url0 url1 user leaseMillis requestedNodeId keyBase buckets}.
 *
 * <p>Prints (stdout, one line each, flushed): {@code READY node=n version=v}, then
 * {@code VERSION v epochMillis} for every version it adopts, {@code CHANGED v epochMillis} (the
 * start of a change it published), {@code ACK id} for every acknowledged insert,
 * {@code REFUSED n} (retryable refusals so far, every 100), {@code FAILED exception} and {@code BYE}.
 * Commands: {@code CHANGE b} (beginMove of bucket b to the other shard, or abortMove when it is
 * moving), {@code PAUSE} / {@code RESUME} (stop / resume following), {@code WRITE b} (a writer
 * thread inserting users with fresh keys of bucket b, -1 = any bucket), {@code STOP} (the writer)
 * and {@code EXIT}.
 */
public final class TopologyChild {

    private TopologyChild() {
    }

    public static void main(String[] args) throws Exception {
        String url0 = args[0];
        String url1 = args[1];
        String user = args[2];
        long lease = Long.parseLong(args[3]);
        int requested = Integer.parseInt(args[4]);
        long keyBase = Long.parseLong(args[5]);
        int buckets = Integer.parseInt(args[6]);
        ShardedPersistenceBuilder builder = ShardedPersistence.builder().shard("s0", url0, user, "").shard("s1", url1, user, "")
                .entities(User.class, Post.class).schema(SchemaAction.VALIDATE).maximumPoolSize(2).bucketCount(buckets)
                .connectionTimeout(Duration.ofSeconds(60)).topologyStaleAfter(Duration.ofSeconds(120))
                .nodeIdLease(Duration.ofMillis(lease));
        if (requested >= 0) {
            builder.nodeId(requested);
        }
        try (ShardedPersistence orm = builder.build()) {
            TopologyService service = ((ShardedPersistenceImpl) orm).topologyService();
            service.onTopologyChange(t -> say("VERSION " + t.version() + " " + System.currentTimeMillis()));
            Post probe = new Post(keyBase, "node probe");
            orm.repository(Post.class).save(probe);
            say("READY node=" + ShardAwareId.nodeIdOf(probe.getId()) + " version=" + service.current().version());
            AtomicBoolean writing = new AtomicBoolean();
            Thread writer = null;
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split(" ");
                switch (cmd[0]) {
                    case "CHANGE" -> {
                        int b = Integer.parseInt(cmd[1]);
                        Topology t = service.current();
                        long start = System.currentTimeMillis();
                        Topology next;
                        if (t.stateOf(b).phase() == BucketState.Phase.MOVING) {
                            next = service.abortMove(Set.of(b));
                        } else {
                            String from = t.map().shardOf(b);
                            next = service.beginMove(Set.of(b), from, from.equals("s0") ? "s1" : "s0");
                        }
                        say("CHANGED " + next.version() + " " + start);
                    }
                    case "PAUSE" -> {
                        service.pauseFollowing(true);
                        say("PAUSED " + service.current().version());
                    }
                    case "RESUME" -> {
                        service.pauseFollowing(false);
                        say("RESUMED");
                    }
                    case "WRITE" -> {
                        int b = Integer.parseInt(cmd[1]);
                        writing.set(true);
                        writer = new Thread(() -> write(orm, writing, keyBase, b, buckets), "child-writer");
                        writer.start();
                    }
                    case "STOP" -> {
                        writing.set(false);
                        if (writer != null) {
                            writer.join(30_000);
                        }
                        say("STOPPED");
                    }
                    case "EXIT" -> {
                        writing.set(false);
                        if (writer != null) {
                            writer.join(30_000);
                        }
                        say("BYE");
                        return;
                    }
                    default -> say("UNKNOWN " + line);
                }
            }
        }
    }

    private static void write(ShardedPersistence orm, AtomicBoolean writing, long keyBase, int bucket, int buckets) {
        long next = keyBase + 1;
        long refused = 0;
        while (writing.get()) {
            long key;
            do {
                key = next++;
            } while (bucket >= 0 && FencePerBucketIT.bucketOf(key, buckets) != bucket);
            long k = key;
            while (writing.get()) {
                try {
                    orm.repository(User.class).save(new User(k, "child " + keyBase));
                    say("ACK " + k);
                    break;
                } catch (RuntimeException e) {
                    if (!FencePerBucketIT.retryable(e)) {
                        say("FAILED " + e.toString().replace('\n', ' '));
                        return;
                    }
                    if (++refused % 100 == 1) {
                        say("REFUSED " + refused);
                    }
                    sleep(5);
                }
            }
            sleep(2);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
