package io.github.shardingorm.samples.bench;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.samples.SampleShards;
import io.github.shardingorm.samples.social.Country;
import io.github.shardingorm.samples.social.Follower;
import io.github.shardingorm.samples.social.Following;
import io.github.shardingorm.samples.social.Post;
import io.github.shardingorm.samples.social.SeedData;
import io.github.shardingorm.samples.social.SocialService;
import io.github.shardingorm.samples.social.User;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end benchmark runner (the samples' second entry point): the social workload on N
 * PostgreSQL shard databases through sharding-orm, then the same workload through plain
 * Hibernate on ONE database holding the same rows; ops/s and p50/p99 per operation.
 *
 * <pre>
 * ./mvnw -q -DskipTests -pl samples -am package exec:java \
 *   -Dsample.main=io.github.shardingorm.samples.bench.SocialBenchmark \
 *   -Dexec.args="--postgres=jdbc:postgresql://127.0.0.1:5432/postgres --shards=4 --seconds=20 --threads=4"
 * </pre>
 *
 * Options: {@code --shards=N} (4), {@code --users=N} (2000), {@code --posts=N} (20000),
 * {@code --follows=N} (4000), {@code --threads=N} (4), {@code --pool=N} (connections per
 * database, 8), {@code --seconds=N} measured per stack (20), {@code --warmup=N} seconds (5),
 * {@code --rounds=N} (2: the stacks alternate, the last round is reported).
 * The mix: 20% post, 45% home timeline, 30% profile, 5% follow.
 */
public final class SocialBenchmark {

    enum Op { POST, TIMELINE, PROFILE, FOLLOW }

    private final Map<String, Integer> options;
    private final String postgres;

    private SocialBenchmark(String[] args) {
        this.postgres = SampleShards.postgresUrl(args);
        if (postgres == null) {
            throw new IllegalArgumentException("the benchmark runs on PostgreSQL: pass --postgres=jdbc:postgresql://host:5432/postgres "
                    + "(an admin database; the runner creates socialbench_* databases and drops them at the end) or set " + SampleShards.POSTGRES_ENV);
        }
        this.options = new LinkedHashMap<>(Map.of("shards", 4, "users", 2000, "posts", 20000, "follows", 4000,
                "threads", 4, "pool", 8, "seconds", 20, "warmup", 5, "rounds", 2));
        for (String arg : args) {
            if (arg.startsWith("--") && arg.contains("=") && !arg.startsWith("--postgres=")) {
                String name = arg.substring(2, arg.indexOf('='));
                if (!options.containsKey(name)) {
                    throw new IllegalArgumentException("unknown option --" + name + " (known: " + options.keySet() + ", postgres)");
                }
                options.put(name, Integer.parseInt(arg.substring(arg.indexOf('=') + 1)));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        new SocialBenchmark(args).run();
    }

    private int opt(String name) {
        return options.get(name);
    }

    private void run() throws Exception {
        System.out.printf("social workload: %s; %d cores, JDK %s%n", options, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        try (ShardedSocial sharded = shardedStack(); PlainSocial plain = plainStack()) {
            seedSharded(sharded);
            seedPlain(plain);
            List<SocialOperations> stacks = List.of(sharded, plain);
            List<Map<Op, LatencyRecorder.Summary>> results = new ArrayList<>();
            // Alternate the stacks round by round, so that neither profits from running second
            // (a warmer JIT, a warmer database cache); the last round is reported.
            for (int round = 1; round <= opt("rounds"); round++) {
                results.clear();
                for (SocialOperations stack : stacks) {
                    results.add(measure(stack));
                }
            }
            print(stacks.stream().map(SocialOperations::name).toList(), results);
            printMeters(sharded.orm());
        } finally {
            for (int i = 0; i < opt("shards"); i++) {
                SampleShards.dropDatabase(postgres, PREFIX + "_s" + i);
            }
            SampleShards.dropDatabase(postgres, PREFIX + "_plain");
        }
    }

    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    /** What sharding-orm's own meters and statistics saw over the whole run (seeding included). */
    private void printMeters(ShardedPersistence orm) {
        System.out.printf("%nsharding-orm meters (db.client.operation.duration, whole run):%n%-8s %-8s %-12s %10s %10s %10s%n",
                "shard", "kind", "error.type", "count", "mean ms", "max ms");
        registry.find("db.client.operation.duration").timers().stream()
                .sorted(java.util.Comparator.comparing(t -> t.getId().getTag("shard") + t.getId().getTag("db.operation.name")))
                .forEach(t -> System.out.printf("%-8s %-8s %-12s %10d %10.2f %10.2f%n", t.getId().getTag("shard"),
                        t.getId().getTag("db.operation.name"), t.getId().getTag("error.type"), t.count(),
                        t.mean(TimeUnit.MILLISECONDS), t.max(TimeUnit.MILLISECONDS)));
        var shards = registry.find("sharding.query.shards").summary();
        if (shards != null) {
            System.out.printf("queries: %d, mean shards per query %.2f; pools: %s%n", shards.count(), shards.mean(),
                    registry.find("hikaricp.connections.acquire").timers().stream()
                            .map(t -> t.getId().getTag("pool") + " acquire mean " + String.format("%.3f ms", t.mean(TimeUnit.MILLISECONDS)))
                            .toList());
        }
        System.out.printf("%nper-shard statistics:%n%s", orm.statistics().toTable());
    }

    /** Databases the runner creates (and drops at the end): socialbench_s0.., socialbench_plain. */
    private static final String PREFIX = "socialbench";

    private ShardedSocial shardedStack() {
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        SampleShards.configure(builder, PREFIX, opt("shards"), postgres);
        SocialService.sagas().forEach(builder::saga);
        ShardedPersistence orm = builder.entities(SocialService.entities()).schema(SchemaAction.CREATE)
                .maximumPoolSize(opt("pool")).build();
        new io.github.shardingorm.metrics.ShardingMetrics(orm).bindTo(registry);
        return new ShardedSocial(orm);
    }

    private PlainSocial plainStack() {
        return new PlainSocial(SampleShards.database(postgres, PREFIX + "_plain"), "postgres",
                System.getenv().getOrDefault("SAMPLES_POSTGRES_PASSWORD", ""), opt("pool"), SocialService.entities());
    }

    // ---------------------------------------------------------------------------------------------
    // Same data in both stacks (follow rows written directly: seeding is not what is measured).

    private void seedSharded(ShardedSocial stack) {
        SeedData seed = new SeedData(7, opt("users"));
        ShardedPersistence orm = stackOrm(stack);
        SeedData.COUNTRIES.forEach(c -> orm.references().save(new Country(c.getCode(), c.getName())));
        orm.repository(User.class).saveAll(seed.userBatch());
        orm.repository(Post.class).saveAll(seed.postBatch(opt("posts")));
        List<Following> following = new ArrayList<>();
        List<Follower> followers = new ArrayList<>();
        for (long[] pair : seed.follows(opt("follows"))) {
            following.add(new Following(pair[0], pair[1], SeedData.START));
            followers.add(new Follower(pair[1], pair[0], SeedData.START));
        }
        orm.repository(Following.class).saveAll(following);
        orm.repository(Follower.class).saveAll(followers);
    }

    private ShardedPersistence stackOrm(ShardedSocial stack) {
        return stack.orm();
    }

    private void seedPlain(PlainSocial stack) {
        SeedData seed = new SeedData(7, opt("users"));
        stack.sessionFactory().inTransaction(s -> {
            SeedData.COUNTRIES.forEach(c -> s.persist(new Country(c.getCode(), c.getName())));
            seed.userBatch().forEach(s::persist);
        });
        List<Post> posts = seed.postBatch(opt("posts"));
        for (int from = 0; from < posts.size(); from += 5000) {
            List<Post> chunk = posts.subList(from, Math.min(posts.size(), from + 5000));
            stack.sessionFactory().inTransaction(s -> chunk.forEach(s::persist));
        }
        List<long[]> follows = seed.follows(opt("follows"));
        stack.sessionFactory().inTransaction(s -> {
            for (long[] pair : follows) {
                s.persist(new Following(pair[0], pair[1], SeedData.START));
                s.persist(new Follower(pair[1], pair[0], SeedData.START));
            }
        });
    }

    // ---------------------------------------------------------------------------------------------

    private Map<Op, LatencyRecorder.Summary> measure(SocialOperations stack) throws Exception {
        System.out.printf("%s: warming up %d s, measuring %d s with %d threads...%n", stack.name(), opt("warmup"),
                opt("seconds"), opt("threads"));
        drive(stack, opt("warmup"), 1000);
        List<Map<Op, LatencyRecorder>> perThread = drive(stack, opt("seconds"), 2000);
        Map<Op, LatencyRecorder.Summary> summary = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            List<LatencyRecorder> recorders = perThread.stream().map(m -> m.get(op)).toList();
            summary.put(op, LatencyRecorder.summarize(recorders, opt("seconds")));
        }
        return summary;
    }

    private List<Map<Op, LatencyRecorder>> drive(SocialOperations stack, int seconds, long seedBase) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(opt("threads"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<Map<Op, LatencyRecorder>>> futures = new ArrayList<>();
        for (int t = 0; t < opt("threads"); t++) {
            long threadSeed = seedBase + t;
            futures.add(pool.submit(() -> loop(stack, deadline, threadSeed)));
        }
        List<Map<Op, LatencyRecorder>> result = new ArrayList<>();
        for (Future<Map<Op, LatencyRecorder>> f : futures) {
            result.add(f.get());
        }
        pool.shutdown();
        return result;
    }

    private Map<Op, LatencyRecorder> loop(SocialOperations stack, long deadline, long threadSeed) {
        Map<Op, LatencyRecorder> recorders = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            recorders.put(op, new LatencyRecorder());
        }
        SeedData keys = new SeedData(threadSeed, opt("users"));
        Random random = keys.random();
        int i = 0;
        while (System.nanoTime() < deadline) {
            int dice = random.nextInt(100);
            Op op = dice < 20 ? Op.POST : dice < 65 ? Op.TIMELINE : dice < 95 ? Op.PROFILE : Op.FOLLOW;
            long start = System.nanoTime();
            switch (op) {
                case POST -> stack.post(keys.skewedUser(), "bench post " + i);
                case TIMELINE -> stack.timeline(keys.uniformUser());
                case PROFILE -> stack.profile(keys.skewedUser());
                case FOLLOW -> {
                    long a = keys.uniformUser();
                    long b = keys.skewedUser();
                    stack.follow(a, a == b ? (b % opt("users")) + 1 : b);
                }
            }
            recorders.get(op).record(System.nanoTime() - start);
            i++;
        }
        return recorders;
    }

    private static void print(List<String> names, List<Map<Op, LatencyRecorder.Summary>> results) {
        System.out.printf("%n%-10s %-28s %10s %10s %10s%n", "operation", "stack", "ops/s", "p50 ms", "p99 ms");
        for (Op op : Op.values()) {
            for (int i = 0; i < names.size(); i++) {
                LatencyRecorder.Summary s = results.get(i).get(op);
                System.out.printf("%-10s %-28s %10.1f %10.2f %10.2f%n", op.name().toLowerCase(), names.get(i), s.perSecond(),
                        s.p50Millis(), s.p99Millis());
            }
        }
        for (int i = 0; i < names.size(); i++) {
            double total = results.get(i).values().stream().mapToDouble(LatencyRecorder.Summary::perSecond).sum();
            System.out.printf("total      %-28s %10.1f ops/s%n", names.get(i), total);
        }
    }
}
