package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabases;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Implements {@link PostgresShards}: creates the databases once per annotated class (lazily, so
 * that constructor injection works with either test instance lifecycle) and keeps them in that
 * class's store, which drops them when the class is done.
 */
public final class PostgresShardsExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresShardsExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        databases(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ShardDatabases.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return databases(context);
    }

    private static ShardDatabases databases(ExtensionContext context) {
        TestResources.bindTo(context);
        AnnotatedContexts.Found<PostgresShards> found = AnnotatedContexts.find(context, PostgresShards.class);
        int count = found.annotation().count();
        return found.context().getStore(NAMESPACE).getOrComputeIfAbsent(ShardDatabases.class,
                key -> SharedShardServer.createDatabases(count), ShardDatabases.class);
    }
}
