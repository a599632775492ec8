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
 * them missing; NONE leaves them to you ({@link #DDL}, public as {@code ShardedPersistence.writeLogDdl()}
 * and the resource {@link #RESOURCE}). Two-phase commit that is merely available (AUTO, nothing
 * registered that needs it) does not demand them under VALIDATE: when they are missing there,
 * two-phase commit is off and says why ({@link #missingOnShards}).
 */
public final class WriteLogSchema {

    public static final List<String> TABLES = List.of("shorm_saga", "shorm_saga_step", "shorm_2pc_decision");

    /** The classpath resource holding {@link #DDL}, one statement per {@code ;}, for users who run migrations themselves. */
    public static final String RESOURCE = "META-INF/sharding-orm/write-log-postgresql.sql";

    /** PostgreSQL DDL, idempotent, read from {@link #RESOURCE}. */
    public static final List<String> DDL = readDdl();

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
                                    + " (create them with schema action UPDATE, or run ShardedPersistence.writeLogDdl(), also the resource " + RESOURCE + ", on every shard)");
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

    private static List<String> readDdl() {
        try (java.io.InputStream in = WriteLogSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + RESOURCE + " is missing from the sharding-orm jar");
            }
            StringBuilder sql = new StringBuilder();
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("--")) {
                    sql.append(sql.length() == 0 || sql.charAt(sql.length() - 1) == ' ' ? "" : " ").append(line.strip());
                }
            }
            List<String> statements = new ArrayList<>();
            for (String statement : sql.toString().split(";")) {
                if (!statement.isBlank()) {
                    statements.add(statement.trim());
                }
            }
            return List.copyOf(statements);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading " + RESOURCE, e);
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

    /** The shards lacking any of the tables, with what they lack; a shard that cannot be read adds a problem. */
    public static java.util.Map<String, List<String>> missingOnShards(ShardPools pools, List<String> shardIds,
                                                                      List<String> problems, List<Throwable> causes) {
        java.util.Map<String, List<String>> missing = new java.util.LinkedHashMap<>();
        for (String shard : shardIds) {
            try (Connection c = pools.connection(shard)) {
                try {
                    List<String> lacking = missing(c);
                    if (!lacking.isEmpty()) {
                        missing.put(shard, lacking);
                    }
                } finally {
                    c.rollback();
                }
            } catch (SQLException e) {
                problems.add("checking the write-log tables failed on shard '" + shard + "' (" + pools.maskedUrl(shard) + "): " + e.getMessage());
                causes.add(e);
            }
        }
        return missing;
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
