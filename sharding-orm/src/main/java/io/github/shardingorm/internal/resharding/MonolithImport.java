package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.internal.config.JdbcUrls;
import io.github.shardingorm.internal.config.ShardDefinition;
import io.github.shardingorm.resharding.Resharding;
import io.github.shardingorm.resharding.ReshardingPlan;
import io.github.shardingorm.resharding.ReshardingRefusedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code orm.resharding().importFrom(url, user, password)}: classifies the monolith's tables,
 * checks every precondition before anything is written, and plans one record per target shard
 * (offline) or the moves of an online import (per shard: its buckets of the sharded tables, and
 * every bucket of the reference tables), all run by {@link ImportRun}.
 *
 * <p>The import reuses the mover: binary COPY per primary-key chunk with the key read from the
 * binary tuple ({@link ChunkCopier}, here one pass routing each row to its shard), the job store
 * on each target ({@link MoveJobStore}), the per-bucket verifier ({@link MoveVerifier}) and, online,
 * whole {@link BucketMove}s from the monolith under an {@link ImportTopology}. A reference table is
 * handled as a table "sharded" by its first primary-key column with every bucket going to every
 * shard, so the same copy, catch-up and checksums serve it.
 */
public final class MonolithImport implements Resharding.Import {

    /** The monolith's id in the moves and records of an import. */
    static final String SOURCE_ID = "import";

    private enum Role { SHARDED, REFERENCE, SKIP }

    private record Choice(Role role, String keyColumn) {
    }

    private final ShardDefinition monolith;
    private final Map<String, ShardDefinition> shards;
    private final List<MovedTable> unitSharded;
    private final List<String> unitReference;
    private final MoveTopology topology;
    private final ActiveJobs active;
    private final Map<String, Choice> choices = new LinkedHashMap<>();
    private boolean online;
    private boolean allowNonEmpty;
    private MoveOptions options = MoveOptions.DEFAULTS.withDeleteSourceRows(false);

    MonolithImport(String jdbcUrl, String user, String password, Map<String, ShardDefinition> shards, List<MovedTable> unitSharded,
                   List<String> unitReference, MoveTopology topology, ActiveJobs active) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the monolith to import needs a jdbc:postgresql: URL but was "
                    + (jdbcUrl == null ? "null" : JdbcUrls.mask(jdbcUrl)));
        }
        this.monolith = new ShardDefinition(SOURCE_ID, jdbcUrl, user, password);
        this.shards = shards;
        this.unitSharded = unitSharded;
        this.unitReference = unitReference;
        this.topology = topology;
        this.active = active;
    }

    @Override
    public TableChoice table(String table) {
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("a table name is needed");
        }
        String key = normalize(table);
        return new TableChoice() {
            @Override
            public Resharding.Import sharded() {
                choices.put(key, new Choice(Role.SHARDED, null));
                return MonolithImport.this;
            }

            @Override
            public Resharding.Import sharded(String keyColumn) {
                if (keyColumn == null || keyColumn.isBlank()) {
                    throw new IllegalArgumentException("table " + table + ": a key column is needed");
                }
                choices.put(key, new Choice(Role.SHARDED, keyColumn));
                return MonolithImport.this;
            }

            @Override
            public Resharding.Import reference() {
                choices.put(key, new Choice(Role.REFERENCE, null));
                return MonolithImport.this;
            }

            @Override
            public Resharding.Import skip() {
                choices.put(key, new Choice(Role.SKIP, null));
                return MonolithImport.this;
            }
        };
    }

    @Override
    public Resharding.Import offline() {
        online = false;
        return this;
    }

    @Override
    public Resharding.Import online() {
        online = true;
        return this;
    }

    @Override
    public Resharding.Import throttle(long rowsPerSecond) {
        options = options.withThrottle(rowsPerSecond);
        return this;
    }

    @Override
    public Resharding.Import chunkRows(int rows) {
        options = options.withChunkRows(rows);
        return this;
    }

    @Override
    public Resharding.Import allowNonEmptyShards() {
        allowNonEmpty = true;
        return this;
    }

    /** {@code public.posts} and {@code posts} are the same table; names compare in lower case. */
    private static String normalize(String table) {
        String t = table.trim().toLowerCase(Locale.ROOT);
        return t.startsWith("public.") ? t.substring("public.".length()) : t;
    }

    @Override
    public ReshardingPlan plan() {
        List<String> problems = new ArrayList<>();
        String what = "import from " + JdbcUrls.mask(monolith.jdbcUrl()) + (online ? " (online)" : " (offline)");
        // the classification: the unit's defaults, then the caller's choices
        Map<String, Choice> roles = new LinkedHashMap<>();
        Map<String, MovedTable> unitTables = new LinkedHashMap<>();
        for (MovedTable t : unitSharded) {
            roles.put(normalize(t.table()), new Choice(Role.SHARDED, t.keyColumn()));
            unitTables.put(normalize(t.table()), t);
        }
        for (String t : unitReference) {
            roles.put(normalize(t), new Choice(Role.REFERENCE, null));
        }
        Set<String> explicit = new LinkedHashSet<>();
        choices.forEach((table, c) -> {
            Choice unit = roles.get(table);
            String key = c.role() == Role.SHARDED && c.keyColumn() == null && unit != null && unit.role() == Role.SHARDED
                    ? unit.keyColumn() : c.keyColumn();
            if (c.role() == Role.SHARDED && key == null) {
                problems.add("table " + table + " is to be sharded but the unit maps no key column for it: give one,"
                        + " .table(\"" + table + "\").sharded(\"key_column\")");
            }
            roles.put(table, new Choice(c.role(), key));
            explicit.add(table);
        });
        List<MovedTable> sharded = new ArrayList<>();
        List<MovedTable> reference = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        List<TableShape> sourceShapes = new ArrayList<>();
        List<TableShape> referenceShapes = new ArrayList<>();
        List<String> resumable = new ArrayList<>();
        boolean resumeOnline = false;
        try (Connection src = PgConnections.open(monolith)) {
            Set<String> present = monolithTables(src);
            for (Map.Entry<String, Choice> e : roles.entrySet()) {
                String table = e.getKey();
                Choice c = e.getValue();
                if (c.role() == Role.SKIP) {
                    continue;
                }
                if (!present.contains(table)) {
                    problems.add("table " + table + (explicit.contains(table) ? "" : " (of the unit's " + c.role().name().toLowerCase(Locale.ROOT)
                            + " entities)") + " does not exist on the monolith: create it, or leave it out with .table(\"" + table
                            + "\").skip()");
                    continue;
                }
                if (c.role() == Role.SHARDED && c.keyColumn() != null) {
                    MovedTable unit = unitTables.get(table);
                    // a collection table of the unit keeps its owner (its rows go to their owner's shard)
                    MovedTable m = unit != null && unit.keyColumn().equals(c.keyColumn()) ? new MovedTable(table, c.keyColumn(),
                            unit.owner()) : new MovedTable(table, c.keyColumn());
                    TableShape s = MoveCatalog.shape(src, "monolith", m, problems);
                    if (s != null) {
                        sharded.add(m);
                        sourceShapes.add(s);
                    }
                } else if (c.role() == Role.REFERENCE) {
                    String pk = firstPrimaryKeyColumn(src, table);
                    if (pk == null) {
                        problems.add("reference table " + table + " on the monolith has no primary key: the import copies and"
                                + " verifies by primary key, add one");
                        continue;
                    }
                    MovedTable m = new MovedTable(table, pk);
                    List<String> own = new ArrayList<>();
                    TableShape s = MoveCatalog.shape(src, "monolith", m, own);
                    if (s == null) {
                        own.replaceAll(p -> p.replace("(the shard key column)", "").replace("a key must be",
                                "the first primary-key column of a reference table must be"));
                        problems.addAll(own);
                        continue;
                    }
                    reference.add(m);
                    referenceShapes.add(s);
                }
            }
            for (String t : present) {
                if (!roles.containsKey(t) || roles.get(t).role() == Role.SKIP) {
                    leftOut.add(t);
                }
            }
            if (sharded.isEmpty() && reference.isEmpty() && problems.isEmpty()) {
                problems.add("no table to import: the monolith has none of the unit's tables and none was classified"
                        + " (.table(\"name\").sharded(\"key\") or .reference())");
            }
            if (online) {
                MoveCatalog.checkSource(src, "monolith", problems);
                for (TableShape s : sourceShapes) {
                    char identity = SourceObjects.identity(src, s);
                    if (identity == 'n' || identity == 'i') {
                        problems.add("table " + s.displayName() + " has REPLICA IDENTITY " + (identity == 'n' ? "NOTHING" : "USING INDEX")
                                + " on the monolith; an online import needs DEFAULT or FULL");
                    }
                }
                int moves = shards.size() * ((sharded.isEmpty() ? 0 : 1) + (reference.isEmpty() ? 0 : 1));
                checkCapacity(src, moves, problems);
            }
        } catch (SQLException e) {
            problems.add("the monolith (" + JdbcUrls.mask(monolith.jdbcUrl()) + ") cannot be used: " + e.getMessage());
        }
        List<MovedTable> all = new ArrayList<>(sharded);
        all.addAll(reference);
        List<TableShape> allShapes = new ArrayList<>(sourceShapes);
        allShapes.addAll(referenceShapes);
        // the shards: reachable, same tables, empty, no other job
        for (ShardDefinition shard : shards.values()) {
            try (Connection c = PgConnections.open(shard)) {
                MoveCatalog.checkTarget(c, shard.id(), problems);
                for (MoveJobStore.JobRow row : MoveJobStore.unfinished(c)) {
                    if (!row.source().equals(SOURCE_ID)) {
                        problems.add("resharding move " + row.jobId() + " (" + row.source() + "->" + row.target() + ", " + row.phase()
                                + ") is unfinished on shard " + shard.id() + ": resume or roll it back before importing");
                    } else if (!row.tables().equals(all) && !(row.slot().isEmpty() ? List.of() : List.of(sharded, reference)).contains(row.tables())) {
                        // offline records hold every table; online ones the sharded or the reference tables
                        problems.add("an unfinished import " + ImportRun.jobOf(row.jobId()) + " of tables "
                                + String.join(", ", row.tables().stream().map(MovedTable::toText).toList()) + " is recorded on shard "
                                + shard.id() + ": plan the same tables to resume it, or roll it back");
                    } else {
                        resumable.add(ImportRun.jobOf(row.jobId()));
                        resumeOnline = !row.slot().isEmpty();
                    }
                }
                for (int i = 0; i < all.size(); i++) {
                    TableShape t = MoveCatalog.shape(c, shard.id(), all.get(i), problems);
                    if (t != null && i < allShapes.size()) {
                        MoveCatalog.checkSameColumns(allShapes.get(i), t, shard.id(), problems);
                        if (!allowNonEmpty && resumable.isEmpty() && hasRows(c, t)) {
                            problems.add("table " + t.displayName() + " on shard " + shard.id() + " already holds rows: an import"
                                    + " fills empty shards (empty it, or allow it with allowNonEmptyShards())");
                        }
                    }
                }
            } catch (SQLException e) {
                problems.add(PgConnections.describe(shard) + " cannot be used: " + e.getMessage());
            }
        }
        TreeSet<String> jobs = new TreeSet<>(resumable);
        if (jobs.size() > 1) {
            problems.add("more than one unfinished import is recorded on the shards " + jobs + ": roll back all but one");
        } else if (jobs.size() == 1 && resumeOnline != online) {
            problems.add("the unfinished import " + jobs.first() + " was started " + (resumeOnline ? "online" : "offline")
                    + ": plan it " + (resumeOnline ? ".online()" : ".offline()") + " to resume it, or roll it back");
        }
        for (int b = 0; b < topology.bucketCount(); b++) {
            if (!shards.containsKey(topology.ownerOf(b))) {
                problems.add("bucket " + b + " belongs to shard " + topology.ownerOf(b) + ", which is not configured " + shards.keySet()
                        + ": its rows would have nowhere to go");
                break;
            }
        }
        for (int b = 0; b < topology.bucketCount(); b++) {
            if (topology.isMoving(b)) {
                problems.add("bucket " + b + " is moving (a resharding job holds it): finish that job before importing");
                break;
            }
        }
        if (!problems.isEmpty()) {
            problems.replaceAll(p -> p.replace("on shard monolith", "on the monolith"));
            throw new ReshardingRefusedException(what, problems);
        }
        String jobId = jobs.isEmpty() ? "i" + Long.toString(System.currentTimeMillis(), 36) : jobs.first();
        return ImportRun.plan(jobId, what, monolith, List.copyOf(shards.values()), owners(), sourceShapes, referenceShapes,
                sharded, reference, leftOut, online, options, active);
    }

    private String[] owners() {
        String[] owners = new String[topology.bucketCount()];
        for (int b = 0; b < owners.length; b++) {
            owners[b] = topology.ownerOf(b);
        }
        return owners;
    }

    /** The monolith's tables outside the system schemas (and the mover's own), normalized. */
    private static Set<String> monolithTables(Connection c) throws SQLException {
        Set<String> names = new java.util.TreeSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN"
                     + " ('pg_catalog', 'information_schema', 'sharding_orm') AND schemaname NOT LIKE 'pg_toast%' AND tablename NOT LIKE 'shorm\\_%'")) {
            while (rs.next()) {
                names.add(normalize(rs.getString(1) + "." + rs.getString(2)));
            }
        }
        return names;
    }

    private static String firstPrimaryKeyColumn(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass(?) AND i.indisprimary")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean hasRows(Connection c, TableShape t) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM ONLY " + t.qualified() + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Slots and WAL senders for every move at once, plus one temporary each (verification). */
    private static void checkCapacity(Connection c, int moves, List<String> problems) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots),"
                     + " current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_replication)")) {
            rs.next();
            if (rs.getInt(1) < 2 * moves) {
                problems.add("the monolith has " + rs.getInt(1) + " free replication slots; an online import into these shards runs "
                        + moves + " moves at once and needs " + 2 * moves + " (raise max_replication_slots)");
            }
            if (rs.getInt(2) < 2 * moves) {
                problems.add("the monolith has " + rs.getInt(2) + " free WAL senders; an online import into these shards needs "
                        + 2 * moves + " (raise max_wal_senders)");
            }
        }
    }
}
