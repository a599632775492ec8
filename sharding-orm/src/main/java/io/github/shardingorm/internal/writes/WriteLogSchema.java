package io.github.shardingorm.internal.writes;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.internal.jdbc.ShardPools;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables of writes that span shards, shared by sagas and two-phase commit; every shard has all three:
 * <ul>
 *   <li>{@code shorm_saga}: the saga log (coordinator rows; a saga's row lives on the shard its id hashes to);</li>
 *   <li>{@code shorm_saga_step}: the step fences of the steps that ran on this shard;</li>
 *   <li>{@code shorm_2pc_decision}: two-phase commit decisions (a transaction's row lives on the shard its id hashes to).</li>
 * </ul>
 * They are needed when cross-shard writes are possible: saga types registered, reference entities
 * configured, or two-phase commit available (for {@code atomically}). Then schema actions CREATE
 * and UPDATE create them if missing (never drop them: they hold unfinished work); VALIDATE reports
 * them missing; NONE leaves them to you ({@link #DDL}).
 */
public final class WriteLogSchema {

    public static final List<String> TABLES = List.of("shorm_saga", "shorm_saga_step", "shorm_2pc_decision");

    /** PostgreSQL DDL, idempotent. */
    public static final List<String> DDL = List.of(
            "CREATE TABLE IF NOT EXISTS shorm_saga ("
                    + " id uuid PRIMARY KEY,"
                    + " type varchar(200) NOT NULL,"
                    + " arguments text NOT NULL,"
                    + " state varchar(32) NOT NULL,"
                    + " step integer NOT NULL,"
                    + " attempts integer NOT NULL DEFAULT 0,"
                    + " next_attempt_at timestamptz NOT NULL DEFAULT now(),"
                    + " lease_owner varchar(64),"
                    + " lease_until timestamptz,"
                    + " failure text,"
                    + " last_error text,"
                    + " created_at timestamptz NOT NULL DEFAULT now(),"
                    + " updated_at timestamptz NOT NULL DEFAULT now())",
            "CREATE INDEX IF NOT EXISTS shorm_saga_unfinished ON shorm_saga (next_attempt_at)"
                    + " WHERE state IN ('RUNNING', 'COMPENSATING')",
            "CREATE INDEX IF NOT EXISTS shorm_saga_attention ON shorm_saga (created_at)"
                    + " WHERE state = 'FAILED_NEEDS_ATTENTION'",
            "CREATE TABLE IF NOT EXISTS shorm_saga_step ("
                    + " saga_id uuid NOT NULL,"
                    + " step integer NOT NULL,"
                    + " kind varchar(16) NOT NULL,"
                    + " recorded_at timestamptz NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (saga_id, step))",
            "CREATE TABLE IF NOT EXISTS shorm_2pc_decision ("
                    + " txid varchar(32) PRIMARY KEY,"
                    + " decision varchar(8) NOT NULL,"
                    + " participants text NOT NULL,"
                    + " decided_at timestamptz NOT NULL DEFAULT now())");

    private WriteLogSchema() {
    }

    /**
     * The schema action on every shard: CREATE and UPDATE create the tables if missing, VALIDATE
     * reports them missing; NONE does nothing. Adds a problem per shard that fails.
     */
    static void apply(SchemaAction action, ShardPools pools, List<String> shardIds, List<String> problems, List<Throwable> causes) {
        if (action == SchemaAction.NONE) {
            return;
        }
        for (String shard : shardIds) {
            try (Connection c = pools.connection(shard)) {
                try {
                    if (action == SchemaAction.VALIDATE) {
                        List<String> missing = missing(c);
                        if (!missing.isEmpty()) {
                            problems.add("schema VALIDATE: shard '" + shard + "' lacks the write-log tables " + missing
                                    + " (create them with schema action UPDATE, or run WriteLogSchema.DDL)");
                        }
                    } else {
                        create(c);
                    }
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            } catch (Exception e) {
                problems.add("creating the write-log tables failed on shard '" + shard + "' (" + pools.maskedUrl(shard) + "): " + e.getMessage());
                causes.add(e);
            }
        }
    }

    /** Creates the tables if missing, in one transaction. */
    public static void create(Connection connection) throws SQLException {
        boolean postgres = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
        try (Statement st = connection.createStatement()) {
            for (String ddl : DDL) {
                st.execute(postgres ? ddl : portable(ddl));
            }
        }
    }

    /** The DDL for databases other than PostgreSQL: the standard spelling of timestamptz, no partial indexes. */
    static String portable(String ddl) {
        String standard = ddl.replace("timestamptz", "timestamp with time zone").replace("now()", "CURRENT_TIMESTAMP");
        int where = standard.startsWith("CREATE INDEX") ? standard.indexOf(" WHERE ") : -1;
        return where < 0 ? standard : standard.substring(0, where);
    }

    private static boolean exists(DatabaseMetaData md, String table) throws SQLException {
        try (ResultSet rs = md.getTables(null, null, table, new String[] {"TABLE", "BASE TABLE"})) {
            return rs.next();
        }
    }

    /** The tables missing on this connection's database. */
    public static List<String> missing(Connection connection) throws SQLException {
        List<String> missing = new ArrayList<>();
        DatabaseMetaData md = connection.getMetaData();
        for (String table : TABLES) {
            if (!exists(md, table) && !exists(md, table.toUpperCase(java.util.Locale.ROOT))) {
                missing.add(table);
            }
        }
        return missing;
    }
}
