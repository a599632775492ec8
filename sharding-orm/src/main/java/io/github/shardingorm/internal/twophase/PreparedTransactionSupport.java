package io.github.shardingorm.internal.twophase;

import io.github.shardingorm.internal.jdbc.ShardJdbc;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code max_prepared_transactions} on every shard at start-up. */
public final class PreparedTransactionSupport {

    private PreparedTransactionSupport() {
    }

    /** The shards whose {@code max_prepared_transactions} is 0 (or cannot be read), as {@code "s1 (0)"}. */
    public static List<String> shardsWithout(ShardJdbc jdbc, List<String> shardIds) {
        List<String> without = new ArrayList<>();
        for (String shard : shardIds) {
            String value;
            try {
                value = jdbc.fromTransaction(shard, "reading max_prepared_transactions", c -> {
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW max_prepared_transactions")) {
                        rs.next();
                        return rs.getString(1);
                    }
                });
            } catch (RuntimeException e) {
                value = "unreadable: " + e.getMessage();
            }
            if (!value.matches("[1-9][0-9]*")) {
                without.add("'" + shard + "' (max_prepared_transactions=" + value + ")");
            }
        }
        return without;
    }
}
