package io.github.shardingorm.internal.query;

import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.query.exec.ScatterGather;
import io.github.shardingorm.internal.query.exec.ShardTargets;
import io.github.shardingorm.internal.query.merge.RowMerge;
import org.hibernate.SessionFactory;

/**
 * What the queries of one persistence unit need when they run, built once by {@link ShardedQueries}
 * and handed to every query (which thus never calls back into the engine).
 *
 * @param targets        chooses the shards of a run
 * @param sessions       sessions on one shard (list)
 * @param sessionFactory stateless sessions for cursors (stream)
 * @param scatter        the bounded pool that runs one task per shard
 * @param merge          the unit's merge (text order, entity identity)
 * @param routingLog     the routing log (off by default)
 */
record QueryRuntime(ShardTargets targets, ShardSessions sessions, SessionFactory sessionFactory, ScatterGather scatter, RowMerge merge,
                    RoutingLog routingLog) {
}
