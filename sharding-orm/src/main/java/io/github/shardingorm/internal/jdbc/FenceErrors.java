package io.github.shardingorm.internal.jdbc;

import io.github.shardingorm.ShardTopologyChangedException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the fence's refusal (SQLState {@code SHF01}, raised by {@code sharding_orm.fence_check()})
 * into the retryable {@link ShardTopologyChangedException}, reading the buckets and both versions
 * from the error's detail {@code buckets=..;writer=..;required=..}.
 */
public final class FenceErrors {

    /** The SQLState of the fence (kept equal to {@code TopologySchema.FENCE_SQLSTATE}). */
    public static final String SQLSTATE = "SHF01";

    private static final Pattern DETAIL = Pattern.compile("buckets=([0-9,]*);writer=(-?\\d+);required=(-?\\d+)");

    private FenceErrors() {
    }

    /** The fence refusal in {@code failure}'s causes, or null when there is none. */
    public static ShardTopologyChangedException find(String shard, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (SQLSTATE.equals(s.getSQLState())) {
                        return toException(shard, s, failure);
                    }
                }
            }
        }
        return null;
    }

    private static ShardTopologyChangedException toException(String shard, SQLException sql, Throwable failure) {
        String message = String.valueOf(sql.getMessage());
        Matcher m = DETAIL.matcher(message);
        List<Integer> buckets = new ArrayList<>();
        long writer = -1;
        long required = -1;
        if (m.find()) {
            for (String b : m.group(1).split(",")) {
                if (!b.isEmpty()) {
                    buckets.add(Integer.parseInt(b));
                }
            }
            writer = Long.parseLong(m.group(2));
            required = Long.parseLong(m.group(3));
        }
        String first = message.lines().findFirst().orElse(message).replaceFirst("^ERROR: ", "");
        return new ShardTopologyChangedException(shard, buckets, writer, required, "shard '" + shard + "' refused the write: "
                + first + " [buckets " + buckets + ", writer version " + writer + ", required version " + required
                + "]; retry the transaction", failure);
    }
}
