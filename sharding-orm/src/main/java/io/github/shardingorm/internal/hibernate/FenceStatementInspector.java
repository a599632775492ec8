package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.routing.ShardRouter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * The fence for the statements that are not entity writes: bulk and native {@code INSERT},
 * {@code UPDATE}, {@code DELETE} (and {@code MERGE}, {@code TRUNCATE}, {@code COPY}) that an
 * application runs in its own Hibernate session of this unit ({@code createMutationQuery},
 * {@code createNativeQuery(...).executeUpdate()}, inside {@code orm.inTransaction} or on
 * {@code orm.sessionFactory()}).
 *
 * <p>Entity writes are checked per bucket in Java ({@link ShardRouter#checkWriteNow}) and
 * {@code orm.executeUpdate} per shard ({@link ShardRouter#checkBulk}); a bulk statement of the
 * application's own may touch any row of the shard, so while a bucket of that shard is FENCED
 * (the final stage of a move away from it) such a statement is refused with the retryable
 * {@code ShardTopologyChangedException}, when it writes one of the tables that move (the sharded
 * entities' tables and their collection tables). Hibernate calls the inspector with every SQL
 * string it prepares; entity and collection writes are prepared by Hibernate's mutation
 * statement preparer and pass (their Java check runs in the event listeners).
 *
 * <p>Why no write slips through: Hibernate runs a bulk or native mutation only inside a
 * transaction (unless {@code hibernate.allow_update_outside_transaction} is set), and a
 * transaction takes its connection at {@code begin}; so this check, made when the statement is
 * prepared, sees a topology at least as new as the version the connection carries, the same
 * invariant as the entity writes' check (see {@code internal.topology}'s package note). A
 * session below the fence's version meets the source's trigger instead.
 *
 * <p>Cost while no bucket is fenced: one volatile read per prepared statement. While one is, a
 * mutation's SQL is looked at (its first keyword, the moved tables' names) and the stack is
 * walked a few frames to tell an entity write from a bulk one.
 *
 * <p>Which shard: a session the library opens gets {@link #on(String)} for its shard; a session
 * the application opens on {@code orm.sessionFactory()} gets this instance, which takes the
 * shard bound to the thread (a scope or a template's work, as {@code createEntityManager()}
 * does) and, when none is bound, refuses while ANY shard has a fenced bucket.
 */
public final class FenceStatementInspector implements StatementInspector {

    private static final long serialVersionUID = 1L;

    private static final String MUTATION_PREPARER = "org.hibernate.engine.jdbc.internal.MutationStatementPreparerImpl";
    private static final StackWalker WALKER = StackWalker.getInstance();

    private final transient ShardRouter router;
    private final transient ShardContext context;
    private final StatementInspector delegate;
    private final transient Map<String, UnaryOperator<String>> perShard = new ConcurrentHashMap<>();
    private volatile List<String> movedTables = List.of();

    /**
     * @param delegate the application's own inspector (from {@code hibernate.session_factory.statement_inspector}),
     *                 applied first; null when there is none
     */
    public FenceStatementInspector(ShardRouter router, ShardContext context, StatementInspector delegate) {
        this.router = router;
        this.context = context;
        this.delegate = delegate;
    }

    /** The tables that move with their buckets (lower case); known once the session factory is built. */
    public void movedTables(List<String> tables) {
        this.movedTables = tables.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
    }

    /** The inspector for a session on {@code shard} (one instance per shard). */
    public UnaryOperator<String> on(String shard) {
        UnaryOperator<String> known = perShard.get(shard); // every session the library opens asks: no capturing lambda then
        return known != null ? known : perShard.computeIfAbsent(shard, s -> sql -> inspect(s, sql));
    }

    /**
     * The builder of a session the library opens on {@code shard}: tenant {@code shard} and, when
     * {@code sessionFactory} is a unit's, the inspector that knows the shard.
     */
    public static org.hibernate.SessionBuilder sessionOn(org.hibernate.SessionFactory sessionFactory, String shard) {
        org.hibernate.SessionBuilder builder = sessionFactory.withOptions().tenantIdentifier((Object) shard);
        StatementInspector inspector = ((org.hibernate.engine.spi.SessionFactoryImplementor) sessionFactory)
                .getSessionFactoryOptions().getStatementInspector();
        return inspector instanceof FenceStatementInspector fence ? builder.statementInspector(fence.on(shard)) : builder;
    }

    @Override
    public String inspect(String sql) {
        return inspect(null, sql);
    }

    private String inspect(String shard, String sql) {
        String out = delegate == null ? sql : orSame(delegate.inspect(sql), sql);
        if (router.anyFenced()) {
            check(shard != null ? shard : context.currentShard(), out);
        }
        return out;
    }

    private static String orSame(String inspected, String sql) {
        return inspected == null ? sql : inspected;
    }

    private void check(String shard, String sql) {
        if (!isMutation(sql)) {
            return;
        }
        List<Integer> buckets = shard != null ? router.fencedBucketsOn(shard) : router.fencedBuckets();
        if (buckets.isEmpty()) {
            return;
        }
        String table = movedTableIn(sql);
        if (table == null || preparedForAnEntityWrite()) {
            return;
        }
        router.refuseOwnBulk(shard, buckets, table, sql);
    }

    /** Whether {@code sql} may write (its first keyword; a {@code WITH} that contains a write). */
    static boolean isMutation(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        String word = firstWord(sql, i).toLowerCase(Locale.ROOT);
        return switch (word) {
            case "insert", "update", "delete", "merge", "truncate", "copy", "upsert" -> true;
            case "with" -> {
                String lower = sql.toLowerCase(Locale.ROOT);
                yield containsWord(lower, "insert") || containsWord(lower, "update") || containsWord(lower, "delete")
                        || containsWord(lower, "merge");
            }
            default -> false;
        };
    }

    private static String firstWord(String sql, int from) {
        int end = from;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        return sql.substring(from, end);
    }

    /** The first moved table {@code sql} names (as a whole identifier, maybe quoted or schema-qualified), or null. */
    String movedTableIn(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        for (String table : movedTables) {
            if (containsWord(lower, table)) {
                return table;
            }
        }
        return null;
    }

    private static boolean containsWord(String text, String word) {
        int at = text.indexOf(word);
        while (at >= 0) {
            int end = at + word.length();
            boolean startOk = at == 0 || !isIdentifierChar(text.charAt(at - 1));
            boolean endOk = end == text.length() || !isIdentifierChar(text.charAt(end));
            if (startOk && endOk) {
                return true;
            }
            at = text.indexOf(word, at + 1);
        }
        return false;
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /**
     * Runs the checks a fenced shard's statements go through once, here, on the caller's thread:
     * the stack walk (the JVM's first walks set up the walker and link the stream's call sites: 2.6 ms
     * of the writers' CPU inside the final stages of one profiled run) and the SQL scans. Called when a
     * move begins (buckets MOVING), so that the first final stage of a JVM does not pay this on the
     * writers' threads: in {@code OrmReshardingIT} (12 paced runs) the source's other buckets had a p90
     * of 7.1 ms in a JVM's first final stage and 4.6 ms in later ones (docs/benchmarks.md). Idempotent
     * and cheap after the first call.
     */
    public void warmUp() {
        String table = movedTables.isEmpty() ? "t" : movedTables.get(0);
        String sql = "update " + table + " set x = 1 where id = 1";
        if (isMutation(sql) && movedTableIn(sql) != null) {
            preparedForAnEntityWrite();
        }
    }

    /** Whether Hibernate's mutation statement preparer (entity and collection writes) is preparing this statement. */
    private static boolean preparedForAnEntityWrite() {
        return WALKER.walk(frames -> frames.limit(12).anyMatch(f -> f.getClassName().startsWith(MUTATION_PREPARER)));
    }
}
