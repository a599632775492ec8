package io.github.shardingorm.internal.saga;

import io.github.shardingorm.ShardUnavailableException;
import java.sql.SQLException;

/** Classifies and describes the failures of saga steps. */
final class Failures {

    private Failures() {
    }

    /**
     * Whether retrying the same step may succeed: a shard unavailable, a broken connection,
     * a serialization failure or a deadlock (SQLState 08*, 57P*, 40001, 40P01).
     */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShardUnavailableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String s = sql.getSQLState();
                if (s.startsWith("08") || s.startsWith("57P") || s.equals("40001") || s.equals("40P01")) {
                    return true;
                }
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
