package io.github.shardingorm.resharding;

import io.github.shardingorm.ShardedPersistence;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The operators' command line over {@link Resharding}:
 * <pre>
 * java -cp app.jar:... io.github.shardingorm.resharding.ReshardingCommand orm.properties COMMAND [ARGS] [--throttle N] [--keep-source]
 *   plan  add-shard S | split S INTO | merge FROM INTO | rebalance | move FROM-TO TARGET   print the plan
 *   start (same as plan)        run it, printing a progress line per move every second
 *   status                      unfinished jobs and their moves
 *   resume                      run every unfinished job to its end
 *   verify                      per-bucket counts and checksums of every unfinished move
 *   rollback [JOB]              give the buckets back (every unfinished job, or JOB)
 *   complete [JOB]              delete the kept source rows of switched moves
 *   import URL [--user U] [--offline|--online] [--throttle N] [--chunk-rows N] [--dry-run]
 *                               import a single database (the monolith split): print the plan, run it (or only
 *                               print it with --dry-run); the password comes from SHARDING_ORM_IMPORT_PASSWORD.
 *                               Run the same command again to resume an interrupted import.
 * </pre>
 * {@code orm.properties} is the properties form of the unit ({@link io.github.shardingorm.ShardingSettings},
 * with the entity classes on the class path). Exit status 0 on success, 1 on failure, 2 on bad usage.
 */
public final class ReshardingCommand {

    private ReshardingCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Parsed p;
        try {
            p = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("usage: ReshardingCommand orm.properties plan|start|status|resume|verify|rollback|complete [args]"
                    + " [--throttle N] [--keep-source]");
            err.println("       ReshardingCommand orm.properties import URL [--user U] [--offline|--online] [--throttle N]"
                    + " [--chunk-rows N] [--dry-run]   (password: $SHARDING_ORM_IMPORT_PASSWORD)");
            return 2;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(p.properties())) {
            properties.load(in);
        } catch (IOException e) {
            err.println("cannot read " + p.properties() + ": " + e.getMessage());
            return 2;
        }
        try (ShardedPersistence orm = ShardedPersistence.fromProperties(properties)) {
            return execute(orm.resharding(), p, out);
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    /** A parsed command line. */
    record Parsed(Path properties, String command, List<String> args, long throttle, boolean keepSource, String user,
                  boolean online, int chunkRows, boolean dryRun) {

        Parsed(Path properties, String command, List<String> args, long throttle, boolean keepSource) {
            this(properties, command, args, throttle, keepSource, null, false, 0, false);
        }
    }

    static Parsed parse(String[] args) {
        List<String> rest = new ArrayList<>();
        long throttle = 0;
        boolean keep = false;
        String user = null;
        boolean online = false;
        int chunkRows = 0;
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--user" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--user needs a user name");
                    }
                    user = args[++i];
                }
                case "--chunk-rows" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--chunk-rows needs a number of rows");
                    }
                    chunkRows = Integer.parseInt(args[++i]);
                }
                case "--online" -> online = true;
                case "--offline" -> online = false;
                case "--dry-run" -> dryRun = true;
                case "--throttle" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--throttle needs rows per second");
                    }
                    throttle = Long.parseLong(args[++i]);
                }
                case "--keep-source" -> keep = true;
                default -> rest.add(args[i]);
            }
        }
        if (rest.size() < 2) {
            throw new IllegalArgumentException("give the properties file and a command");
        }
        String command = rest.get(1);
        List<String> tail = List.copyOf(rest.subList(2, rest.size()));
        if ((command.equals("plan") || command.equals("start")) && tail.isEmpty()) {
            throw new IllegalArgumentException(command + " needs what to do: add-shard S | split S INTO | merge FROM INTO | rebalance"
                    + " | move FROM-TO TARGET");
        }
        if (command.equals("import") && tail.size() != 1) {
            throw new IllegalArgumentException("import needs the JDBC URL of the database to import (and nothing else)");
        }
        if (!List.of("plan", "start", "status", "resume", "verify", "rollback", "complete", "import").contains(command)) {
            throw new IllegalArgumentException("unknown command '" + command + "'");
        }
        return new Parsed(Path.of(rest.get(0)), command, tail, throttle, keep, user, online, chunkRows, dryRun);
    }

    static Resharding.Builder builder(Resharding r, List<String> a) {
        String what = a.get(0);
        return switch (what) {
            case "add-shard" -> r.addShard(arg(a, 1, what));
            case "split" -> r.split(arg(a, 1, what), arg(a, 2, what));
            case "merge" -> r.merge(arg(a, 1, what), arg(a, 2, what));
            case "rebalance" -> r.rebalance();
            case "move" -> {
                String[] range = arg(a, 1, what).split("-");
                int from = Integer.parseInt(range[0]);
                yield r.moveBuckets(from, range.length > 1 ? Integer.parseInt(range[1]) : from, arg(a, 2, what));
            }
            default -> throw new IllegalArgumentException("unknown plan '" + what + "'");
        };
    }

    private static String arg(List<String> a, int i, String what) {
        if (i >= a.size()) {
            throw new IllegalArgumentException(what + " needs " + (i == 1 ? "a shard" : "a second shard"));
        }
        return a.get(i);
    }

    private static int execute(Resharding r, Parsed p, PrintStream out) {
        switch (p.command()) {
            case "plan", "start" -> {
                Resharding.Builder b = builder(r, p.args()).throttle(p.throttle());
                if (p.keepSource()) {
                    b.keepSourceRowsUntilComplete();
                }
                ReshardingPlan plan = b.plan();
                out.println(plan.describe());
                if (p.command().equals("start")) {
                    follow(plan.start(null), out);
                }
            }
            case "status" -> {
                List<ReshardingJob> jobs = r.unfinished();
                out.println(jobs.isEmpty() ? "no unfinished resharding job" : jobs.size() + " unfinished jobs");
                jobs.forEach(j -> j.progress().forEach(m -> out.println("  " + m.toLine())));
                List<ReshardingProgress> imports = r.unfinishedImports();
                if (!imports.isEmpty()) {
                    out.println("unfinished import (run the same import command again to resume it):");
                    imports.forEach(m -> out.println("  " + m.toLine()));
                }
            }
            case "resume" -> r.unfinished().forEach(j -> follow(j.resume(null), out));
            case "verify" -> {
                List<String> all = new ArrayList<>();
                r.unfinished().forEach(j -> all.addAll(j.verify()));
                out.println(all.isEmpty() ? "verified: source and target equal per bucket" : String.join("\n", all));
                return all.isEmpty() ? 0 : 1;
            }
            case "rollback" -> jobs(r, p).forEach(j -> {
                j.rollback();
                out.println("rolled back " + j.id());
            });
            case "complete" -> jobs(r, p).forEach(j -> {
                j.complete();
                out.println("completed " + j.id());
            });
            case "import" -> {
                Resharding.Import imp = r.importFrom(p.args().get(0), p.user(), System.getenv("SHARDING_ORM_IMPORT_PASSWORD"))
                        .throttle(p.throttle());
                if (p.chunkRows() > 0) {
                    imp.chunkRows(p.chunkRows());
                }
                ReshardingPlan plan = (p.online() ? imp.online() : imp.offline()).plan();
                out.println(plan.describe());
                if (!p.dryRun()) {
                    follow(plan.start(null), out);
                }
            }
            default -> throw new IllegalArgumentException(p.command());
        }
        return 0;
    }

    private static List<ReshardingJob> jobs(Resharding r, Parsed p) {
        return r.unfinished().stream().filter(j -> p.args().isEmpty() || j.id().equals(p.args().get(0))).toList();
    }

    private static void follow(ReshardingJob job, PrintStream out) {
        while (!job.awaitCompletion(Duration.ofSeconds(1))) {
            job.progress().forEach(m -> out.println(m.toLine()));
        }
        job.progress().forEach(m -> out.println(m.toLine()));
    }
}
