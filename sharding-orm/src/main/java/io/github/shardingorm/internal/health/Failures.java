package io.github.shardingorm.internal.health;

import io.github.shardingorm.ShardUnavailableException.Reason;
import java.net.SocketTimeoutException;
import java.sql.SQLException;

/**
 * Why a call to a database failed, from the exception chain: SQLStates first (the driver's
 * verdict), then a socket timeout anywhere in the chain. Only what says the database is sick
 * counts against its breaker: a statement timeout on a healthy server (a slow query) and an
 * exhausted pool (the application's own load) do not.
 */
public final class Failures {

    private Failures() {
    }

    /** The reason of a failure; {@link Reason#UNREACHABLE} when nothing more specific is known. */
    public static Reason classify(Throwable failure) {
        boolean socketTimeout = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                switch (state) {
                    case "28P01", "28000":
                        return Reason.AUTHENTICATION_FAILED;
                    case "25006":
                        return Reason.READ_ONLY;
                    case "57014":
                        return Reason.TIMED_OUT;
                    default:
                        break;
                }
            }
            if (t instanceof SocketTimeoutException) {
                socketTimeout = true;
            }
        }
        return socketTimeout ? Reason.TIMED_OUT : Reason.UNREACHABLE;
    }

    /**
     * Whether a failure of {@code reason} says the database is sick. A statement timeout (57014)
     * is a slow statement, not a sick server; a socket timeout is a hung one.
     */
    public static boolean countsAgainstHealth(Reason reason, Throwable failure) {
        return switch (reason) {
            case UNREACHABLE, AUTHENTICATION_FAILED, READ_ONLY -> true;
            case TIMED_OUT -> !hasState(failure, "57014");
            case POOL_EXHAUSTED, REPLICAS_UNAVAILABLE -> false;
        };
    }

    /** The deepest message of the chain with its SQLState, for health reports and exception messages. */
    public static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String state = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException s && s.getSQLState() != null) {
                state = s.getSQLState();
            }
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage() + (state != null ? " [SQLState " + state + "]" : "");
    }

    private static boolean hasState(Throwable failure, String state) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
