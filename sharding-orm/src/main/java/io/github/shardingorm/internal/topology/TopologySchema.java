package io.github.shardingorm.internal.topology;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The {@code sharding_orm} schema every shard holds (see the package note), the fence function,
 * and the DDL that installs or drops the fence trigger on one table. PostgreSQL only.
 */
public final class TopologySchema {

    /** The schema of the topology tables. */
    public static final String SCHEMA = "sharding_orm";
    /** The SQLState the fence raises. */
    public static final String FENCE_SQLSTATE = io.github.shardingorm.internal.jdbc.FenceErrors.SQLSTATE;
    /** The trigger's name on each fenced table. */
    static final String TRIGGER = "shorm_fence";
    /** The notification channel of new versions. */
    static final String CHANNEL = "shorm_topology";

    /**
     * The fence check, run once per write STATEMENT on a table that carries the trigger (only
     * tables of a shard whose buckets are moving). Refuses the statement when the session's
     * {@code shorm.topology_version} (0 when unset) is below a fence's version: the version that
     * fenced the bucket while it is in its final stage ({@code min_version IS NULL}), the version
     * that moved it away afterwards ({@code min_version}). A session at that version or later
     * passes: its instance has seen the fence, so the library refused in Java any write of it to
     * a fenced bucket, and writes to the shard's other buckets go on (the fence is per bucket).
     */
    public static final String FENCE_FUNCTION = "CREATE OR REPLACE FUNCTION sharding_orm.fence_check() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
                + "DECLARE final_stage boolean; required bigint; buckets text; v bigint;\n"
                + "BEGIN\n"
                + "  SELECT bool_or(min_version IS NULL), max(coalesce(min_version, fenced_at_version)),\n"
                + "         string_agg(bucket::text, ',' ORDER BY bucket)\n"
                + "    INTO final_stage, required, buckets FROM sharding_orm.fence;\n"
                + "  IF buckets IS NULL THEN RETURN NULL; END IF;\n"
                + "  v := coalesce(nullif(current_setting('shorm.topology_version', true), '')::bigint, 0);\n"
                + "  IF v < required THEN\n"
                + "    RAISE EXCEPTION USING ERRCODE = '" + FENCE_SQLSTATE + "',\n"
                + "      MESSAGE = format('sharding-orm fence: buckets [%s] of this shard are %s at topology version %s;"
                + " this session carries version %s (a stale instance), so its write to %s is refused',"
                + " buckets, CASE WHEN final_stage THEN 'in the final stage of a move' ELSE 'moved away' END, required, v, TG_TABLE_NAME),\n"
                + "      DETAIL = format('buckets=%s;writer=%s;required=%s', buckets, v, required);\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END $f$";

    /** Idempotent DDL. */
    public static final List<String> DDL = List.of(
            "CREATE SCHEMA IF NOT EXISTS sharding_orm",
            "CREATE TABLE IF NOT EXISTS sharding_orm.topology ("
                    + " id integer PRIMARY KEY CHECK (id = 1),"
                    + " cluster_id varchar(64) NOT NULL,"
                    + " version bigint NOT NULL CHECK (version >= 1),"
                    + " bucket_count integer NOT NULL,"
                    + " changed_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE IF NOT EXISTS sharding_orm.topology_range ("
                    + " from_bucket integer PRIMARY KEY,"
                    + " to_bucket integer NOT NULL,"
                    + " shard varchar(63) NOT NULL,"
                    + " state varchar(16) NOT NULL,"
                    + " move_from varchar(63),"
                    + " move_to varchar(63))",
            "CREATE TABLE IF NOT EXISTS sharding_orm.shard_identity ("
                    + " id integer PRIMARY KEY CHECK (id = 1),"
                    + " cluster_id varchar(64) NOT NULL,"
                    + " shard_id varchar(63) NOT NULL,"
                    + " created_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE IF NOT EXISTS sharding_orm.fence ("
                    + " bucket integer PRIMARY KEY,"
                    + " to_shard varchar(63) NOT NULL,"
                    + " fenced_at_version bigint NOT NULL,"
                    + " min_version bigint)",
            "CREATE TABLE IF NOT EXISTS sharding_orm.instance ("
                    + " instance_id varchar(64) PRIMARY KEY,"
                    + " description varchar(200) NOT NULL,"
                    + " version bigint NOT NULL,"
                    + " started_at timestamptz NOT NULL DEFAULT now(),"
                    + " heartbeat_at timestamptz NOT NULL DEFAULT now())",
            "CREATE TABLE IF NOT EXISTS sharding_orm.node_lease ("
                    + " node_id integer PRIMARY KEY,"
                    + " instance_id varchar(64) NOT NULL,"
                    + " expires_at timestamptz NOT NULL,"
                    + " high_water_millis bigint NOT NULL DEFAULT 0)",
            FENCE_FUNCTION);

    private TopologySchema() {
    }

    /**
     * Serializes this transaction's schema DDL with other instances' on the same database: two
     * units starting at once would otherwise race on {@code CREATE OR REPLACE FUNCTION} ("tuple
     * concurrently updated") or on {@code CREATE ... IF NOT EXISTS} (a duplicate catalog key).
     * Released at commit or rollback.
     */
    static final String DDL_LOCK = "SELECT pg_advisory_xact_lock(7363102741955113)";

    /** Creates the schema and its tables if missing (one transaction; the caller commits). */
    public static void create(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(DDL_LOCK);
            for (String ddl : DDL) {
                st.execute(ddl);
            }
        }
    }

    /** Drops the schema with everything in it, and the fence triggers of {@code tables}. */
    static void drop(Connection c, List<String> tables) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(DDL_LOCK);
            for (String table : tables) {
                if (tableExists(c, table)) {
                    st.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + table);
                }
            }
            st.execute("DROP SCHEMA IF EXISTS sharding_orm CASCADE");
        }
    }

    /** Whether the topology tables exist on this database. */
    static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('sharding_orm.topology') IS NOT NULL"
                + " AND to_regclass('sharding_orm.fence') IS NOT NULL AND to_regclass('sharding_orm.node_lease') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** (Re)creates the fence function: a database created by an older version gets the current check. */
    static void installFunction(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(FENCE_FUNCTION);
        }
    }

    /** Installs the fence trigger on {@code table} (idempotent; PostgreSQL 14+). */
    static void installTrigger(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE OR REPLACE TRIGGER " + TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE ON " + table
                    + " FOR EACH STATEMENT EXECUTE FUNCTION sharding_orm.fence_check()");
        }
    }

    /** Drops the fence trigger from {@code table} (idempotent). */
    static void dropTrigger(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + table);
        }
    }
}
