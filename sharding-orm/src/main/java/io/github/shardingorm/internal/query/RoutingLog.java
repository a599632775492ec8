package io.github.shardingorm.internal.query;

import io.github.shardingorm.internal.config.ObservabilitySettings;
import io.github.shardingorm.internal.query.plan.QueryPlan;
import io.github.shardingorm.internal.query.value.Parameters;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing log, in the spirit of ShardingSphere's {@code sql-show}: one INFO line per statement on
 * logger {@value #LOGGER} with the logical statement, its parameters (values masked as {@code ?}
 * unless enabled), the shards it went to, why, and the statement each shard ran. Off unless the
 * configuration turns it on; then it still costs nothing when the logger is disabled.
 */
public final class RoutingLog {

    public static final String LOGGER = "io.github.shardingorm.routing-log";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final RoutingLog OFF = new RoutingLog(false, false);

    private final boolean on;
    private final boolean showValues;

    private RoutingLog(boolean on, boolean showValues) {
        this.on = on;
        this.showValues = showValues;
    }

    public static RoutingLog of(ObservabilitySettings settings) {
        return settings.routingLog() ? new RoutingLog(true, settings.routingLogParameters()) : OFF;
    }

    public static RoutingLog off() {
        return OFF;
    }

    boolean enabled() {
        return on && LOG.isInfoEnabled();
    }

    /**
     * @param all           every shard
     * @param targets       the shards the statement runs on
     * @param shardStatement what each shard runs ("as written" for the direct path)
     */
    void log(QueryPlan plan, Parameters parameters, List<String> all, List<String> targets, String shardStatement) {
        if (!enabled()) {
            return;
        }
        String params = parameters.describe(showValues);
        LOG.info("[{}]{} -> {} ({}); each shard runs: {}", plan.hql(), params.isEmpty() ? "" : " {" + params + "}", targets,
                reason(plan, all, targets), shardStatement);
    }

    static String reason(QueryPlan plan, List<String> all, List<String> targets) {
        if (!plan.routing().sharded()) {
            return "reference data only: one shard holds every row";
        }
        if (targets.isEmpty()) {
            return "no shard: the key constraints match no row";
        }
        if (plan.routing().keys() == null) {
            return all.size() == 1 ? "single shard" : "fan-out to all " + all.size() + " shards: no shard-key constraint";
        }
        if (targets.size() == all.size() && all.size() > 1) {
            return "fan-out to all " + all.size() + " shards: the key constraint does not prune (range on a hash strategy?)";
        }
        if (targets.size() == 1) {
            return "shard key";
        }
        return "shard key (IN list or range): pruned to " + targets.size() + " of " + all.size() + " shards";
    }
}
