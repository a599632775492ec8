package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.internal.jdbc.ShardPools;
import java.sql.Connection;
import java.sql.SQLException;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;

/**
 * Hibernate's view of the shard pools: the tenant identifier IS the shard id. Read-only
 * sessions (Hibernate 7.2+ calls {@link #getReadOnlyConnection}) get a replica's connection when
 * one qualifies ({@code ShardPools.readOnlyConnection}), else the primary's, marked read-only; in
 * auto-commit when they read outside a transaction.
 */
public final class ShardConnectionProvider implements MultiTenantConnectionProvider<Object> {

    private static final long serialVersionUID = 1L;

    /** Set while this thread runs a keyed read outside a transaction ({@link ShardSessions#fromReadOnlySession}). */
    private static final ThreadLocal<Boolean> AUTO_COMMIT_READS = new ThreadLocal<>();

    private final transient ShardPools pools;

    public ShardConnectionProvider(ShardPools pools) {
        this.pools = pools;
    }

    @Override
    public Connection getAnyConnection() throws SQLException {
        return pools.connection(pools.firstShard());
    }

    @Override
    public void releaseAnyConnection(Connection connection) throws SQLException {
        connection.close();
    }

    @Override
    public Connection getConnection(Object tenantIdentifier) throws SQLException {
        return pools.connection(String.valueOf(tenantIdentifier));
    }

    @Override
    public Connection getReadOnlyConnection(Object tenantIdentifier) throws SQLException {
        String shard = String.valueOf(tenantIdentifier);
        return AUTO_COMMIT_READS.get() != null ? pools.autoCommitReadConnection(shard) : pools.readOnlyConnection(shard);
    }

    /** Restores the thread's previous read mode when closed. */
    interface ReadMode extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until the returned binding is closed, read-only connections this thread takes are in
     * auto-commit (Hibernate never toggles auto-commit here: the provider disables it, so a
     * read-only transaction keeps its own connection mode).
     */
    static ReadMode autoCommitReads() {
        return readMode(Boolean.TRUE);
    }

    /** Until the returned binding is closed, read-only connections this thread takes are transactional again. */
    static ReadMode transactionalReads() {
        return readMode(null);
    }

    private static ReadMode readMode(Boolean autoCommit) {
        Boolean previous = AUTO_COMMIT_READS.get();
        if (previous == autoCommit) {
            return () -> { };
        }
        set(autoCommit);
        return () -> set(previous);
    }

    private static void set(Boolean autoCommit) {
        AUTO_COMMIT_READS.set(autoCommit); // null, not remove(): see ShardContext.Frame.pop
    }

    @Override
    public void releaseConnection(Object tenantIdentifier, Connection connection) throws SQLException {
        connection.close();
    }

    @Override
    public void releaseReadOnlyConnection(Object tenantIdentifier, Connection connection) throws SQLException {
        pools.releaseReadOnly(connection);
    }

    @Override
    public boolean handlesConnectionReadOnly() {
        return true;
    }

    @Override
    public boolean supportsAggressiveRelease() {
        return false;
    }

    @Override
    public boolean isUnwrappableAs(Class<?> unwrapType) {
        return unwrapType.isInstance(this) || unwrapType.isInstance(pools);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> unwrapType) {
        if (unwrapType.isInstance(this)) {
            return (T) this;
        }
        if (unwrapType.isInstance(pools)) {
            return (T) pools;
        }
        throw new org.hibernate.service.UnknownUnwrapTypeException(unwrapType);
    }
}
