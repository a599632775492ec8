package io.github.shardingorm.internal.stats;

import io.github.shardingorm.ShardUnavailableException;
import java.sql.SQLException;
import java.util.List;

/**
 * Maps a failure to one of a few reasons (the {@code error.type} tag): never the message, never a
 * key, so that the number of meters stays bounded by shards &times; kinds &times; reasons.
 */
public final class ErrorReasons {

    public static final String UNAVAILABLE = "unavailable";
    public static final String TIMEOUT = "timeout";
    public static final String CONSTRAINT = "constraint";
    public static final String CONFLICT = "conflict";
    public static final String SQL = "sql";
    public static final String OTHER = "other";

    /** Every reason, in a fixed order. */
    public static final List<String> ALL = List.of(UNAVAILABLE, TIMEOUT, CONSTRAINT, CONFLICT, SQL, OTHER);

    private ErrorReasons() {
    }

    public static String of(Throwable failure) {
        String reason = OTHER;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShardUnavailableException u) {
                return u.reason() == ShardUnavailableException.Reason.TIMED_OUT && canceled(u) ? TIMEOUT : UNAVAILABLE;
            }
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof jakarta.persistence.QueryTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof jakarta.persistence.OptimisticLockException) {
                return CONFLICT;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null) {
                    if (state.startsWith("08") || state.startsWith("57P") || "53300".equals(state)) {
                        return UNAVAILABLE;
                    }
                    if ("57014".equals(state)) {
                        return TIMEOUT;
                    }
                    if (state.startsWith("23")) {
                        return CONSTRAINT;
                    }
                    if ("40001".equals(state) || "40P01".equals(state)) {
                        return CONFLICT;
                    }
                }
                reason = SQL;
            }
        }
        return reason;
    }

    /** A statement PostgreSQL canceled (57014) somewhere in the chain: a deadline, not an unreachable shard. */
    private static boolean canceled(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && "57014".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
