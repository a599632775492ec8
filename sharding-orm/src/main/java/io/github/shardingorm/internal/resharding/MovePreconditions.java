package io.github.shardingorm.internal.resharding;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything a move needs, checked before it creates anything: a valid id, two different
 * shards, buckets inside the map that the source owns and that no other move holds, a source
 * that can decode its WAL (wal_level, free slots and senders, the REPLICATION attribute, version),
 * and every table present on both shards with the same columns, a primary key, a usable shard
 * key and a replica identity the catch-up can read.
 */
final class MovePreconditions {

    private static final Pattern MOVE_ID = Pattern.compile("[a-z0-9_]{1,40}");

    private MovePreconditions() {
    }

    /** Every reason the move cannot start; empty when it can. Opens connections, creates nothing. */
    static List<String> check(BucketMove.Spec spec, MoveTopology topology) {
        List<String> problems = new ArrayList<>();
        if (!MOVE_ID.matcher(spec.moveId()).matches()) {
            problems.add("move id '" + spec.moveId() + "' must be 1-40 of a-z, 0-9, '_' (it names the slot)");
        }
        if (spec.source().id().equals(spec.target().id())) {
            problems.add("source and target are the same shard " + spec.source().id());
        }
        if (spec.tables().isEmpty()) {
            problems.add("no tables to move");
        }
        if (spec.buckets().bucketCount() != topology.bucketCount()) {
            problems.add("the move has " + spec.buckets().bucketCount() + " buckets but the map has " + topology.bucketCount());
        } else {
            List<Integer> foreign = new ArrayList<>();
            List<Integer> moving = new ArrayList<>();
            for (int b : spec.buckets().buckets()) {
                if (!spec.source().id().equals(topology.ownerOf(b))) {
                    foreign.add(b);
                }
                if (topology.isMoving(b)) {
                    moving.add(b);
                }
            }
            if (!foreign.isEmpty()) {
                problems.add("buckets " + BucketSet.describe(foreign) + " are not owned by the source " + spec.source().id());
            }
            if (!moving.isEmpty()) {
                problems.add("buckets " + BucketSet.describe(moving) + " are already moving (another job holds them)");
            }
        }
        try (Connection src = PgConnections.open(spec.source())) {
            MoveCatalog.checkSource(src, spec.source().id(), problems);
            try (Connection tgt = PgConnections.open(spec.target())) {
                MoveCatalog.checkTarget(tgt, spec.target().id(), problems);
                for (MovedTable table : spec.tables()) {
                    TableShape s = MoveCatalog.shape(src, spec.source().id(), table, problems);
                    TableShape t = MoveCatalog.shape(tgt, spec.target().id(), table, problems);
                    if (s != null && t != null) {
                        MoveCatalog.checkSameColumns(s, t, spec.target().id(), problems);
                        char identity = SourceObjects.identity(src, s);
                        if (identity == 'n' || identity == 'i') {
                            problems.add("table " + s.displayName() + " has REPLICA IDENTITY " + (identity == 'n' ? "NOTHING" : "USING INDEX")
                                    + " on the source; a move needs DEFAULT or FULL");
                        }
                    }
                }
            } catch (SQLException e) {
                problems.add("target " + PgConnections.describe(spec.target()) + " cannot be used: " + e.getMessage());
            }
        } catch (SQLException e) {
            problems.add("source " + PgConnections.describe(spec.source()) + " cannot be used: " + e.getMessage());
        }
        return problems;
    }
}
