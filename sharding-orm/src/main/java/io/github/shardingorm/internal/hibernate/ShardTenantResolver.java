package io.github.shardingorm.internal.hibernate;

import org.hibernate.context.spi.CurrentTenantIdentifierResolver;

/**
 * Resolves the "current" shard for sessions opened without an explicit tenant
 * ({@code createEntityManager()}, {@code getCurrentSession()}): the shard bound to this thread in the
 * unit's {@link ShardContext} (a scope, or a template's running work), or null, in which case
 * Hibernate refuses to open the session.
 */
public final class ShardTenantResolver implements CurrentTenantIdentifierResolver<Object> {

    private final ShardContext context;

    public ShardTenantResolver(ShardContext context) {
        this.context = context;
    }

    ShardContext context() {
        return context;
    }

    @Override
    public Object resolveCurrentTenantIdentifier() {
        return context.currentShard();
    }

    @Override
    public boolean validateExistingCurrentSessions() {
        return false;
    }
}
