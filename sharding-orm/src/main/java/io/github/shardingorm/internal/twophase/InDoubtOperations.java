package io.github.shardingorm.internal.twophase;

import io.github.shardingorm.InDoubtTransaction;
import io.github.shardingorm.InDoubtTransactions;
import io.github.shardingorm.ShardingException;
import io.github.shardingorm.internal.jdbc.ShardJdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public {@link InDoubtTransactions}: lists our prepared transactions ({@code pg_prepared_xacts},
 * gid {@code shorm_<txid>:<coordinator>:<participant>}) with their logged decision, and commits or
 * rolls one back by hand through the same decision log as the coordinator and recovery.
 */
public final class InDoubtOperations implements InDoubtTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(InDoubtOperations.class);

    private final TwoPhaseCommitter committer;
    private final ShardJdbc jdbc;
    private final List<String> shardIds;

    public InDoubtOperations(TwoPhaseCommitter committer, ShardJdbc jdbc, List<String> shardIds) {
        this.committer = committer;
        this.jdbc = jdbc;
        this.shardIds = List.copyOf(shardIds);
    }

    private record Prepared(String shard, String gid, String txid, String coordinator, Instant at) {
    }

    private List<Prepared> prepared() {
        List<Prepared> all = new ArrayList<>();
        for (String shard : shardIds) {
            try {
                all.addAll(jdbc.fromTransaction(shard, "listing prepared transactions", c -> {
                    List<Prepared> found = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("SELECT gid, prepared FROM pg_prepared_xacts"
                            + " WHERE database = current_database() AND gid LIKE 'shorm\\_%'")) {
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                String gid = rs.getString(1);
                                String[] parts = gid.substring(TwoPhaseCommitter.GID_PREFIX.length()).split(":");
                                if (parts.length == 3) {
                                    found.add(new Prepared(shard, gid, parts[0], parts[1], rs.getTimestamp(2).toInstant()));
                                }
                            }
                        }
                    }
                    return found;
                }));
            } catch (RuntimeException e) {
                LOG.warn("cannot list prepared transactions on shard '{}': {}", shard, e.getMessage());
            }
        }
        return all;
    }

    private String decisionOf(String coordinator, String txid) {
        if (!shardIds.contains(coordinator)) {
            return null;
        }
        return jdbc.fromTransaction(coordinator, "reading the decision of " + txid, c -> TwoPhaseCommitter.decisionOf(c, txid));
    }

    @Override
    public List<InDoubtTransaction> list() {
        Map<String, List<Prepared>> byTx = new LinkedHashMap<>();
        for (Prepared p : prepared()) {
            byTx.computeIfAbsent(p.txid(), t -> new ArrayList<>()).add(p);
        }
        List<InDoubtTransaction> out = new ArrayList<>();
        byTx.forEach((txid, parts) -> {
            Map<String, Instant> on = new LinkedHashMap<>();
            parts.stream().sorted(Comparator.comparing(Prepared::shard)).forEach(p -> on.put(p.shard(), p.at()));
            String coordinator = parts.get(0).coordinator();
            out.add(new InDoubtTransaction(txid, coordinator, on, decisionOf(coordinator, txid)));
        });
        out.sort(Comparator.comparing(t -> t.preparedOn().values().stream().min(Comparator.naturalOrder()).orElse(Instant.MAX)));
        return out;
    }

    @Override
    public void commit(String txid) {
        resolve(txid, true);
    }

    @Override
    public void rollback(String txid) {
        resolve(txid, false);
    }

    private void resolve(String txid, boolean commit) {
        if (txid == null || txid.isBlank()) {
            throw new IllegalArgumentException("txid must not be null or blank");
        }
        List<Prepared> parts = prepared().stream().filter(p -> p.txid().equals(txid)).toList();
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no shard holds a prepared transaction " + txid + " (shards: " + shardIds + ")");
        }
        String coordinator = parts.get(0).coordinator();
        if (!shardIds.contains(coordinator)) {
            throw new ShardingException("transaction " + txid + " names coordinator shard '" + coordinator
                    + "', which is not configured; resolve it with COMMIT PREPARED / ROLLBACK PREPARED on " + parts.stream().map(Prepared::shard).toList());
        }
        String wanted = commit ? "commit" : "abort";
        String decision = committer.decide(coordinator, txid, wanted,
                String.join(",", parts.stream().map(Prepared::shard).toList()));
        if (!wanted.equals(decision)) {
            throw new ShardingException("cannot " + (commit ? "commit" : "roll back") + " transaction " + txid + ": its logged decision on shard '"
                    + coordinator + "' is " + decision + "; " + (commit ? "roll it back" : "commit it") + " instead");
        }
        List<String> failed = new ArrayList<>();
        RuntimeException first = null;
        for (Prepared p : parts) {
            try {
                committer.finish(p.shard(), p.gid(), commit);
            } catch (RuntimeException e) {
                failed.add(p.shard());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw new ShardingException("transaction " + txid + ": " + (commit ? "COMMIT" : "ROLLBACK") + " PREPARED failed on " + failed
                    + " (the decision is logged: run it again, or let recovery finish it)", first);
        }
        if (commit) {
            committer.forget(coordinator, txid);
        }
        LOG.info("transaction {} {} by an operator on {}", txid, commit ? "committed" : "rolled back", parts.stream().map(Prepared::shard).toList());
    }
}
