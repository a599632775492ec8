package io.github.shardingorm.internal.jdbc;

import io.github.shardingorm.internal.health.Failures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks of the replicas, in parallel: a replica must be in recovery
 * ({@code pg_is_in_recovery()}; a primary given as a replica would take reads that miss nothing
 * but would also accept nothing we expect) and must replicate its own shard's primary: the same
 * cluster ({@code pg_control_system().system_identifier}) and database name. Either is a
 * configuration problem. An unreachable replica is only a warning: it starts {@code DOWN} and the
 * probes bring it up when it answers.
 */
final class ReplicaChecks {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaChecks.class);

    private record Identity(boolean inRecovery, String database, String systemId) {
    }

    private ReplicaChecks() {
    }

    static void check(Map<String, javax.sql.DataSource> primaries, Map<String, List<ReadRouter.Replica>> replicas,
                      List<String> problems, List<Throwable> causes) {
        if (replicas.values().stream().allMatch(List::isEmpty)) {
            return;
        }
        Map<String, CompletableFuture<Identity>> primaryIds = new java.util.LinkedHashMap<>();
        replicas.forEach((shard, list) -> {
            if (!list.isEmpty()) {
                primaryIds.put(shard, CompletableFuture.supplyAsync(() -> identify(primaries.get(shard))));
            }
        });
        Map<ReadRouter.Replica, CompletableFuture<Identity>> replicaIds = new java.util.LinkedHashMap<>();
        replicas.values().forEach(list -> list.forEach(r -> replicaIds.put(r, CompletableFuture.supplyAsync(() -> identify(r.pool())))));
        replicaIds.forEach((replica, future) -> {
            Identity id;
            try {
                id = future.join();
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause();
                replica.monitor().open(cause, Failures.describe(cause));
                LOG.warn("{} is unreachable at start-up, DOWN until a probe reaches it: {}", replica.monitor(), Failures.describe(cause));
                return;
            }
            if (!id.inRecovery()) {
                problems.add(replica.monitor() + " is not a replica: pg_is_in_recovery() is false (a primary given as a replica?)");
                return;
            }
            Identity primary = primaryIds.get(replica.monitor().shardId()).join();
            if (!primary.database().equals(id.database())) {
                problems.add(replica.monitor() + " is database '" + id.database() + "' but its shard's primary is database '"
                        + primary.database() + "'");
            } else if (primary.systemId() != null && id.systemId() != null && !primary.systemId().equals(id.systemId())) {
                problems.add(replica.monitor() + " replicates another cluster (system identifier " + id.systemId()
                        + ") than its shard's primary (" + primary.systemId() + "): another shard's replica?");
            }
        });
    }

    private static Identity identify(javax.sql.DataSource pool) {
        try (Connection c = pool.getConnection()) {
            Identity id;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select pg_is_in_recovery(), current_database()")) {
                rs.next();
                id = new Identity(rs.getBoolean(1), rs.getString(2), null);
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select system_identifier::text from pg_control_system()")) {
                rs.next();
                id = new Identity(id.inRecovery(), id.database(), rs.getString(1));
            } catch (SQLException e) {
                LOG.debug("pg_control_system() unavailable on {}: {}", pool, e.toString());
                c.rollback();
            }
            c.rollback();
            return id;
        } catch (SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }
}
