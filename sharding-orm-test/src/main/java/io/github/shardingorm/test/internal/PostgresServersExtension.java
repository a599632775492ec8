package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Implements {@link PostgresServers}: starts the servers once per annotated class and keeps them in
 * that class's store, which stops and deletes them when the class is done.
 */
public final class PostgresServersExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresServersExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        servers(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PostgresServerGroup.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return servers(context);
    }

    private static PostgresServerGroup servers(ExtensionContext context) {
        TestResources.bindTo(context);
        AnnotatedContexts.Found<PostgresServers> found = AnnotatedContexts.find(context, PostgresServers.class);
        PostgresServers annotation = found.annotation();
        return found.context().getStore(NAMESPACE).getOrComputeIfAbsent(PostgresServerGroup.class,
                key -> PrivateServers.start(annotation.count(), List.of(annotation.settings())), PostgresServerGroup.class);
    }
}
