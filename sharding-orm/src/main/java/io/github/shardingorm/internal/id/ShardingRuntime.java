package io.github.shardingorm.internal.id;

import io.github.shardingorm.internal.routing.ShardRouter;
import org.hibernate.service.Service;

/**
 * A Hibernate service that hands the routing engine and the node id to components Hibernate
 * instantiates itself (the {@link ShardAwareIdGenerator}).
 */
public record ShardingRuntime(ShardRouter router, int nodeId, java.util.function.LongSupplier clock) implements Service {
}
