package io.github.shardingorm.internal.boot;

import io.github.shardingorm.internal.jdbc.ShardPools;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows per sharded table on each shard: the planner's estimate ({@code pg_class.reltuples}, one
 * cheap catalog query per shard; -1 for a table never analyzed or vacuumed) or an exact
 * {@code count(*)} on demand. A shard that cannot be asked is left out (logged), never fatal:
 * statistics must answer while a shard is down.
 */
final class RowCounts {

    private static final Logger LOG = LoggerFactory.getLogger(RowCounts.class);

    private final ShardPools pools;
    private final List<String> tables;

    RowCounts(ShardPools pools, List<String> tables) {
        this.pools = pools;
        this.tables = List.copyOf(tables);
    }

    Map<String, Map<String, Long>> count(List<String> shards, boolean exact) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String shard : shards) {
            try (Connection c = pools.connection(shard)) {
                Map<String, Long> rows = new LinkedHashMap<>();
                for (String table : tables) {
                    rows.put(table, exact ? exact(c, table) : estimate(c, table));
                }
                c.commit();
                out.put(shard, rows);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("rows of shard '{}' could not be counted: {}", shard, e.toString());
            }
        }
        return out;
    }

    private static long estimate(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static long exact(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
