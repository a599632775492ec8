package io.github.shardingorm;

import io.github.shardingorm.saga.SagaStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The operator's command line, over the same properties form as {@link ShardedPersistence#fromProperties}
 * (the application's configuration file; its entity classes must be on the classpath):
 * <pre>
 * java -cp app.jar:... io.github.shardingorm.ShardingAdmin sharding.properties &lt;command&gt;
 *   statistics                    per-shard statistics with exact row counts
 *   sagas                         sagas needing attention, with their reason
 *   resolve &lt;saga-id&gt; &lt;note...&gt;   mark a saga needing attention as resolved by hand
 *   purge &lt;days&gt;                  delete finished sagas older than that
 *   in-doubt                      two-phase-commit transactions left prepared
 *   commit &lt;txid&gt; | rollback &lt;txid&gt;  resolve one by hand
 * </pre>
 * Retrying a saga needs its registered type (its step code), so it is done from the application:
 * {@code orm.sagas().retry(id, direction)}. Exit code 0 on success, 1 on a failed action, 2 on bad usage.
 */
public final class ShardingAdmin {

    private static final String USAGE = "usage: ShardingAdmin <sharding.properties> statistics | sagas | resolve <saga-id> <note...>"
            + " | purge <days> | in-doubt | commit <txid> | rollback <txid>";

    private ShardingAdmin() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            properties.load(in);
        } catch (IOException e) {
            System.err.println("cannot read " + args[0] + ": " + e.getMessage());
            System.exit(2);
        }
        System.exit(run(properties, Arrays.asList(args).subList(1, args.length), System.out, System.err));
    }

    /**
     * Runs one command against a persistence unit built from {@code properties}, started and closed here.
     *
     * @return the exit code: 0 done, 1 the action failed, 2 bad usage
     */
    public static int run(Map<?, ?> properties, List<String> command, PrintStream out, PrintStream err) {
        if (command.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        try (ShardedPersistence orm = ShardedPersistence.fromProperties(properties)) {
            String verb = command.get(0);
            switch (verb) {
                case "statistics" -> out.print(orm.statistics(true).toTable());
                case "sagas" -> {
                    List<SagaStatus> attention = orm.sagas().needingAttention();
                    out.println(attention.size() + " sagas need attention");
                    for (SagaStatus s : attention) {
                        out.println(s.id() + "  " + s.type() + "  step " + s.step() + "  since " + s.updatedAt() + "  on " + s.coordinatorShard()
                                + "  " + s.lastError());
                    }
                }
                case "resolve" -> {
                    if (command.size() < 3) {
                        err.println("usage: resolve <saga-id> <note...>");
                        return 2;
                    }
                    SagaStatus s = orm.sagas().resolve(UUID.fromString(command.get(1)), String.join(" ", command.subList(2, command.size())));
                    out.println(s.id() + " " + s.state());
                }
                case "purge" -> {
                    if (command.size() != 2) {
                        err.println("usage: purge <days>");
                        return 2;
                    }
                    out.println(orm.sagas().purgeFinished(Duration.ofDays(Long.parseLong(command.get(1)))) + " finished sagas deleted");
                }
                case "in-doubt" -> {
                    List<InDoubtTransaction> inDoubt = orm.inDoubtTransactions().list();
                    out.println(inDoubt.size() + " transactions in doubt");
                    for (InDoubtTransaction t : inDoubt) {
                        out.println(t.txid() + "  decision " + (t.decision() == null ? "none" : t.decision()) + "  coordinator "
                                + t.coordinatorShard() + "  prepared on " + t.preparedOn());
                    }
                }
                case "commit", "rollback" -> {
                    if (command.size() != 2) {
                        err.println("usage: " + verb + " <txid>");
                        return 2;
                    }
                    if (verb.equals("commit")) {
                        orm.inDoubtTransactions().commit(command.get(1));
                    } else {
                        orm.inDoubtTransactions().rollback(command.get(1));
                    }
                    out.println(command.get(1) + " " + (verb.equals("commit") ? "committed" : "rolled back"));
                }
                default -> {
                    err.println("unknown command '" + verb + "'; " + USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
