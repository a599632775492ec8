package io.github.shardingorm.internal.hibernate;

import org.hibernate.context.spi.CurrentTenantIdentifierResolver;

/**
 * Resolves the "current" shard for sessions opened without an explicit tenant (e.g.
 * {@code getCurrentSession()}): the shard bound to this thread by a sharding-orm template, or
 * null, in which case Hibernate refuses to open the session.
 */
public final class ShardTenantResolver implements CurrentTenantIdentifierResolver<Object> {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    @Override
    public Object resolveCurrentTenantIdentifier() {
        return CURRENT.get();
    }

    @Override
    public boolean validateExistingCurrentSessions() {
        return false;
    }

    /** Binds {@code shardId} to this thread; the returned handle must be closed in {@code finally}. */
    public static Binding bind(String shardId) {
        String previous = CURRENT.get();
        CURRENT.set(shardId);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Restores the previous binding. */
    @FunctionalInterface
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }
}
