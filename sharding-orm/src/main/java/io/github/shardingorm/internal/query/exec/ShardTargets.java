package io.github.shardingorm.internal.query.exec;

import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.query.plan.PostExpr;
import io.github.shardingorm.internal.query.plan.QueryPlan;
import io.github.shardingorm.internal.query.plan.SelectShape;
import io.github.shardingorm.internal.query.value.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chooses the shards a statement runs on once its parameters are bound: the one place for that
 * rule, asked by queries, streams and bulk statements alike. The shards come in shard order.
 * <ul>
 *   <li>No sharded entity (reference data only): the first shard; every shard holds the same rows.</li>
 *   <li>No key constraint, or one that cannot prune (a range on a hash strategy): every shard.</li>
 *   <li>Key constraints: the shards that can hold a matching row.</li>
 *   <li>Key constraints no shard satisfies (contradictory keys, {@code key = null}, IN over an
 *       empty list, a range that overlaps no shard): the statement provably matches no row. It runs
 *       on <em>no</em> shard when its answer over no rows needs no database, which holds for an
 *       UPDATE/DELETE (0 rows changed) and for every select that can fan out (no rows; a global
 *       aggregate gives one row with COUNT 0 and the other aggregates null, as in SQL) except a
 *       global aggregate that also selects a constant expression (say {@code 'n/a' || ''}, which
 *       only the database evaluates). Those, and selects that cannot fan out at all (window
 *       functions...), run as written on the first shard, whose answer is exact.</li>
 * </ul>
 */
public final class ShardTargets {

    private final ShardRouter router;

    public ShardTargets(ShardRouter router) {
        this.router = router;
    }

    /** Every shard, in shard order. */
    public List<String> all() {
        return router.shardIds();
    }

    /** The shards {@code plan} runs on with {@code parameters} bound; empty when it provably matches no row and needs no shard to say so. */
    public List<String> of(QueryPlan plan, Parameters parameters) {
        List<String> all = router.shardIds();
        if (!plan.routing().sharded()) {
            return List.of(all.get(0));
        }
        Set<String> pruned = plan.routing().keys() == null ? null : plan.routing().keys().shards(router, parameters);
        if (pruned == null) {
            return all;
        }
        if (pruned.isEmpty()) {
            return answersNoRowsAlone(plan) ? List.of() : List.of(all.get(0));
        }
        if (pruned.size() == 1) {
            return List.of(pruned.iterator().next()); // a routed shard is one of all
        }
        List<String> out = new ArrayList<>(pruned.size());
        for (String s : all) {
            if (pruned.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether the merge alone gives the database's answer over no rows at all. */
    private static boolean answersNoRowsAlone(QueryPlan plan) {
        if (plan.isMutation()) {
            return true;
        }
        if (plan.fanOutRejection() != null) {
            return false;
        }
        SelectShape.Grouping grouping = plan.select().grouping();
        if (grouping == null || !grouping.global()) {
            return true; // no rows, no groups: no output row
        }
        // A global aggregate's one row: aggregates and constants are known, a carried column is not.
        for (PostExpr e : grouping.output()) {
            if (readsShardColumn(e)) {
                return false;
            }
        }
        return grouping.having() == null || !readsShardColumn(grouping.having());
    }

    private static boolean readsShardColumn(PostExpr e) {
        if (e instanceof PostExpr.Column) {
            return true;
        }
        if (e instanceof PostExpr.Arithmetic a) {
            return readsShardColumn(a.left()) || readsShardColumn(a.right());
        }
        if (e instanceof PostExpr.Compare c) {
            return readsShardColumn(c.left()) || readsShardColumn(c.right());
        }
        if (e instanceof PostExpr.Negate n) {
            return readsShardColumn(n.operand());
        }
        if (e instanceof PostExpr.Not n) {
            return readsShardColumn(n.operand());
        }
        if (e instanceof PostExpr.IsNull n) {
            return readsShardColumn(n.operand());
        }
        if (e instanceof PostExpr.Junction j) {
            return j.parts().stream().anyMatch(ShardTargets::readsShardColumn);
        }
        if (e instanceof PostExpr.In in) {
            return readsShardColumn(in.operand()) || in.values().stream().anyMatch(ShardTargets::readsShardColumn);
        }
        return false; // Aggregate, Constant
    }
}
