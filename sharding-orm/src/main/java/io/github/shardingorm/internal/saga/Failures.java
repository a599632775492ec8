package io.github.shardingorm.internal.saga;

import io.github.shardingorm.ShardUnavailableException;
import java.sql.SQLException;

/** Classifies and describes the failures of saga steps. */
final class Failures {

    private Failures() {
    }

    /**
     * Whether retrying the same step may succeed: a shard unavailable, a broken connection,
     * a serialization failure or a deadlock (see {@link io.github.shardingorm.internal.jdbc.ConnectionFailures};
     * SQLState 40001, 40P01).
     */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShardUnavailableException) {
                return true;
            }
            if (t instanceof SQLException sql && (io.github.shardingorm.internal.jdbc.ConnectionFailures.isConnectionFailure(sql)
                    || "40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** {@code ExceptionClass: message}, with the root cause's when it differs; at most 2000 characters. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (root != e) {
            text += " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage()
                    + (root instanceof SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState() + "]" : "") + ")";
        }
        return text.length() > 2000 ? text.substring(0, 2000) : text;
    }
}
