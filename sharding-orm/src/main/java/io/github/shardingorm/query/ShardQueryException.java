package io.github.shardingorm.query;

import io.github.shardingorm.ShardingException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A query across shards failed on one or more shards (with {@link FailurePolicy#FAIL}), or timed
 * out. {@link #getFailures()} maps every failed shard to its cause (a
 * {@link io.github.shardingorm.ShardUnavailableException} when the shard could not be reached);
 * the first cause is also this exception's cause, the others are suppressed.
 */
public class ShardQueryException extends ShardingException {

    private static final long serialVersionUID = 1L;

    private final transient Map<String, Throwable> failures;
    private final List<String> cancelledShards;

    public ShardQueryException(String query, Map<String, Throwable> failures, List<String> cancelledShards) {
        super(message(query, failures, cancelledShards), failures.isEmpty() ? null : failures.values().iterator().next());
        this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        this.cancelledShards = List.copyOf(cancelledShards);
        boolean first = true;
        for (Throwable t : failures.values()) {
            if (!first && t != getCause()) {
                addSuppressed(t);
            }
            first = false;
        }
    }

    /** Every failed shard and its cause, in shard order; never empty. */
    public Map<String, Throwable> getFailures() {
        return failures;
    }

    /** The shards whose statements were cancelled because another shard failed; may be empty. */
    public List<String> getCancelledShards() {
        return cancelledShards;
    }

    private static String message(String query, Map<String, Throwable> failures, List<String> cancelled) {
        StringBuilder sb = new StringBuilder("query failed on ").append(failures.size())
                .append(failures.size() == 1 ? " shard: " : " shards: ");
        String sep = "";
        for (Map.Entry<String, Throwable> e : failures.entrySet()) {
            sb.append(sep).append('\'').append(e.getKey()).append("' (").append(describe(e.getValue())).append(')');
            sep = ", ";
        }
        if (!cancelled.isEmpty()) {
            sb.append("; cancelled on ").append(cancelled);
        }
        return sb.append("; query [").append(query).append(']').toString();
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String state = root instanceof java.sql.SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState() + "]" : "";
        String head = t.getClass().getSimpleName() + ": " + t.getMessage();
        return root == t ? head + state : head + " / " + root.getClass().getSimpleName() + ": " + root.getMessage() + state;
    }
}
