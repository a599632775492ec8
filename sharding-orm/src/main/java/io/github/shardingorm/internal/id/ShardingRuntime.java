package io.github.shardingorm.internal.id;

import io.github.shardingorm.internal.routing.ShardRouter;
import org.hibernate.service.Service;

/**
 * A Hibernate service that hands the routing engine and the node id to components Hibernate
 * instantiates itself (the {@link ShardAwareIdGenerator}).
 */
public record ShardingRuntime(ShardRouter router, NodeIdClaim claim, java.util.function.LongSupplier clock) implements Service {

    /**
     * The internal Hibernate property that replaces the id clock (a {@code LongSupplier} of wall ms),
     * for tests that step the clock back.
     */
    public static final String CLOCK_PROPERTY = "sharding.internal.id-clock";
}
