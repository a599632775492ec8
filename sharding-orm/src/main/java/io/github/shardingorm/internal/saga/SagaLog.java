package io.github.shardingorm.internal.saga;

import io.github.shardingorm.internal.jdbc.ShardJdbc;
import io.github.shardingorm.routing.StableKeyHash;
import io.github.shardingorm.saga.SagaState;
import io.github.shardingorm.saga.SagaStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The coordinator table {@code shorm_saga}. A saga's row lives on the shard its id hashes to
 * ({@link #coordinatorShard}); every update is conditional on holding the row's lease, so two
 * instances never drive the same saga at once (the step fences make a step apply at most once
 * even then).
 */
public final class SagaLog {

    /** A saga row claimed by its lease holder. */
    public record Row(UUID id, String type, String arguments, SagaState state, int step, int attempts, String failure) {
    }

    private static final String COLUMNS = "id, type, state, step, attempts, last_error, created_at, updated_at, failure";

    private final ShardJdbc jdbc;
    private final List<String> shardIds;

    public SagaLog(ShardJdbc jdbc, List<String> shardIds) {
        this.jdbc = jdbc;
        this.shardIds = List.copyOf(shardIds);
    }

    /** The shard holding the log row of {@code id}: a stable hash of the id over the configured shards. */
    public static String coordinatorShard(UUID id, List<String> shardIds) {
        return shardIds.get((int) Long.remainderUnsigned(StableKeyHash.hashUuid(id), shardIds.size()));
    }

    public String coordinatorShard(UUID id) {
        return coordinatorShard(id, shardIds);
    }

    public void insert(UUID id, String type, String arguments, String owner, long leaseMillis) {
        jdbc.fromTransaction(coordinatorShard(id), "recording saga " + id + " (" + type + ") in shorm_saga", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shorm_saga (id, type, arguments, state, step, lease_owner, lease_until)"
                    + " VALUES (?, ?, ?, 'RUNNING', 0, ?, " + LogSql.nowPlusMillis(c) + ")")) {
                ps.setObject(1, id);
                ps.setString(2, type);
                ps.setString(3, arguments);
                ps.setString(4, owner);
                ps.setLong(5, leaseMillis);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records progress while holding the lease. {@code retryInMillis} &ge; 0 releases the lease and
     * schedules the next attempt; a final state releases it too.
     *
     * @return false when this owner no longer holds the lease (another instance took the saga over)
     */
    public boolean update(String shard, UUID id, String owner, SagaState state, int step, int attempts, String failure, String lastError,
                          long leaseMillis, long retryInMillis) {
        boolean release = state.isFinal() || retryInMillis >= 0;
        return jdbc.fromTransaction(shard, "recording saga " + id + " " + state + " at step " + step, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shorm_saga SET state = ?, step = ?, attempts = ?,"
                    + " failure = coalesce(?, failure), last_error = coalesce(?, last_error), updated_at = CURRENT_TIMESTAMP,"
                    + " next_attempt_at = " + LogSql.nowPlusMillis(c) + ","
                    + " lease_owner = ?, lease_until = " + (release ? "NULL" : LogSql.nowPlusMillis(c))
                    + " WHERE id = ? AND lease_owner = ?")) {
                int i = 1;
                ps.setString(i++, state.name());
                ps.setInt(i++, step);
                ps.setInt(i++, attempts);
                ps.setString(i++, failure);
                ps.setString(i++, lastError);
                ps.setLong(i++, Math.max(0, retryInMillis));
                ps.setString(i++, release ? null : owner);
                if (!release) {
                    ps.setLong(i++, leaseMillis);
                }
                ps.setObject(i++, id);
                ps.setString(i, owner);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Ids of unfinished sagas on {@code shard} of the given types that are due and whose lease is free. */
    public List<UUID> due(String shard, Collection<String> types, int limit) {
        return jdbc.fromTransaction(shard, "listing due sagas", c -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM shorm_saga WHERE state IN ('RUNNING', 'COMPENSATING')"
                    + " AND next_attempt_at <= CURRENT_TIMESTAMP AND (lease_owner IS NULL OR lease_until < CURRENT_TIMESTAMP)"
                    + " AND type IN " + LogSql.placeholders(types.size()) + " ORDER BY next_attempt_at LIMIT ?")) {
                int i = 1;
                for (String type : types) {
                    ps.setString(i++, type);
                }
                if (types.isEmpty()) {
                    ps.setString(i++, "");
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return ids;
        });
    }

    /**
     * Takes the lease of a due, unfinished saga on {@code shard}: an atomic conditional update, so
     * of two instances claiming at once exactly one wins.
     *
     * @return the row, or null when it is not due, final, or leased by someone else
     */
    public Row claim(String shard, UUID id, String owner, long leaseMillis) {
        return jdbc.fromTransaction(shard, "claiming saga " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shorm_saga SET lease_owner = ?,"
                    + " lease_until = " + LogSql.nowPlusMillis(c)
                    + " WHERE id = ? AND state IN ('RUNNING', 'COMPENSATING') AND next_attempt_at <= CURRENT_TIMESTAMP"
                    + " AND (lease_owner IS NULL OR lease_until < CURRENT_TIMESTAMP)")) {
                ps.setString(1, owner);
                ps.setLong(2, leaseMillis);
                ps.setObject(3, id);
                if (ps.executeUpdate() != 1) {
                    return null;
                }
            }
            // the lease is ours now (the update above won it); read the row in the same transaction
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, type, arguments, state, step, attempts, failure FROM shorm_saga WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            SagaState.valueOf(rs.getString(4)), rs.getInt(5), rs.getInt(6), rs.getString(7));
                }
            }
        });
    }

    /** The status, looked up on the coordinator shard, then on every shard. */
    public SagaStatus status(UUID id) {
        String home = coordinatorShard(id);
        SagaStatus s = statusOn(home, id);
        if (s != null) {
            return s;
        }
        for (String shard : shardIds) {
            if (!shard.equals(home) && (s = statusOn(shard, id)) != null) {
                return s;
            }
        }
        return null;
    }

    private SagaStatus statusOn(String shard, UUID id) {
        return jdbc.fromTransaction(shard, "reading saga " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM shorm_saga WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? status(rs, shard) : null;
                }
            }
        });
    }

    /** Sagas in the given states on every shard, oldest first. */
    public List<SagaStatus> list(Collection<SagaState> states, int limit) {
        List<SagaStatus> all = new ArrayList<>();
        for (String shard : shardIds) {
            all.addAll(jdbc.fromTransaction(shard, "listing sagas", c -> {
                List<SagaStatus> found = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM shorm_saga WHERE state IN "
                        + LogSql.placeholders(states.size()) + " ORDER BY created_at LIMIT ?")) {
                    int i = 1;
                    for (SagaState state : states) {
                        ps.setString(i++, state.name());
                    }
                    if (states.isEmpty()) {
                        ps.setString(i++, "");
                    }
                    ps.setInt(i, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            found.add(status(rs, shard));
                        }
                    }
                }
                return found;
            }));
        }
        all.sort(java.util.Comparator.comparing(SagaStatus::createdAt));
        return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
    }

    private static final String FINISHED = "('COMPLETED', 'COMPENSATED', 'RESOLVED')";

    /** Ids of finished sagas on {@code shard} last updated more than {@code ageMillis} ago, oldest first. */
    public List<UUID> finishedBefore(String shard, long ageMillis, int limit) {
        return jdbc.fromTransaction(shard, "listing finished sagas", c -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM shorm_saga WHERE state IN " + FINISHED
                    + " AND updated_at < " + LogSql.nowPlusMillis(c) + " ORDER BY updated_at LIMIT ?")) {
                ps.setLong(1, -ageMillis);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return ids;
        });
    }

    /** Deletes the step fences of {@code ids} on {@code shard}. */
    public int deleteFences(String shard, List<UUID> ids) {
        return jdbc.fromTransaction(shard, "deleting step fences of finished sagas", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM shorm_saga_step WHERE saga_id IN " + LogSql.placeholders(ids.size()))) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setObject(i + 1, ids.get(i));
                }
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes the rows of {@code ids} on {@code shard} that are still finished. */
    public int deleteFinished(String shard, List<UUID> ids) {
        return jdbc.fromTransaction(shard, "deleting finished sagas", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM shorm_saga WHERE state IN " + FINISHED
                    + " AND id IN " + LogSql.placeholders(ids.size()))) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setObject(i + 1, ids.get(i));
                }
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Operator action on a saga needing attention: to {@code state} (RUNNING, COMPENSATING, RESOLVED)
     * with a fresh retry budget, due now, lease free.
     *
     * @return false when the saga is not (any more) needing attention on {@code shard}
     */
    public boolean reopen(String shard, UUID id, SagaState state, String note) {
        return jdbc.fromTransaction(shard, "setting saga " + id + " " + state, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shorm_saga SET state = ?, attempts = 0, next_attempt_at = CURRENT_TIMESTAMP,"
                    + " lease_owner = NULL, lease_until = NULL, updated_at = CURRENT_TIMESTAMP, last_error = coalesce(?, last_error)"
                    + " WHERE id = ? AND state = 'FAILED_NEEDS_ATTENTION'")) {
                ps.setString(1, state.name());
                ps.setString(2, note);
                ps.setObject(3, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The {@code failure} column (set when the saga turned to compensating), or null. */
    public String failureOf(String shard, UUID id) {
        return jdbc.fromTransaction(shard, "reading saga " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT failure FROM shorm_saga WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    private static SagaStatus status(ResultSet rs, String shard) throws SQLException {
        String lastError = rs.getString(6);
        String failure = rs.getString(9);
        SagaState state = SagaState.valueOf(rs.getString(3));
        String error = lastError != null ? lastError : failure;
        return new SagaStatus(rs.getObject(1, UUID.class), rs.getString(2), state, rs.getInt(4),
                rs.getInt(5), error, shard, instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)));
    }

    private static java.time.Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
