package io.github.shardingorm.test.internal;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.test.PostgresShardSupport;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import io.github.shardingorm.test.ShardPlacement;
import io.github.shardingorm.test.ShardedPersistenceConfigurer;
import io.github.shardingorm.test.ShardedPersistenceTest;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Implements {@link ShardedPersistenceTest}: databases and the persistence unit live in the
 * annotated class's store (closed by JUnit after the class, unit first, then the databases).
 */
public final class ShardedPersistenceExtension implements BeforeAllCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ShardedPersistenceExtension.class);

    /** Both resources of one class, closed together in the right order. */
    private record Scope(ShardDatabases databases, ShardedPersistence orm) implements AutoCloseable {
        @Override
        public void close() {
            try {
                orm.close();
            } finally {
                databases.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        scope(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        AnnotatedContexts.Found<ShardedPersistenceTest> found = AnnotatedContexts.find(context, ShardedPersistenceTest.class);
        if (found.annotation().checkPlacement() && context.getExecutionException().isEmpty()) {
            Scope scope = scope(context);
            ShardPlacement.check(scope.orm(), scope.databases()).assertAllPlaced();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ShardedPersistence.class || type == ShardDatabases.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Scope scope = scope(context);
        return parameter.getParameter().getType() == ShardedPersistence.class ? scope.orm() : scope.databases();
    }

    private static Scope scope(ExtensionContext context) {
        TestResources.bindTo(context);
        AnnotatedContexts.Found<ShardedPersistenceTest> found = AnnotatedContexts.find(context, ShardedPersistenceTest.class);
        return found.context().getStore(NAMESPACE).getOrComputeIfAbsent(Scope.class,
                key -> start(found.annotation()), Scope.class);
    }

    private static ShardedPersistenceConfigurer configurer(ShardedPersistenceTest settings) {
        Class<? extends ShardedPersistenceConfigurer> type = settings.configurer();
        try {
            java.lang.reflect.Constructor<? extends ShardedPersistenceConfigurer> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("@ShardedPersistenceTest configurer " + type.getName()
                    + " needs a no-argument constructor: " + e, e);
        }
    }

    private static Scope start(ShardedPersistenceTest settings) {
        ShardDatabases databases = PostgresShardSupport.createDatabases(settings.shards());
        try {
            ShardedPersistenceBuilder builder = ShardedPersistence.builder();
            for (ShardDatabase db : databases) {
                builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
            }
            builder.entities(settings.entities()).schema(settings.schema()).maximumPoolSize(4);
            for (String property : settings.properties()) {
                int eq = property.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("@ShardedPersistenceTest properties are key=value, but one is '" + property + "'");
                }
                String key = property.substring(0, eq).trim();
                String value = property.substring(eq + 1).trim();
                if (key.startsWith("sharding.pool.")) {
                    builder.poolProperty(key.substring("sharding.pool.".length()), value);
                } else {
                    builder.hibernateProperty(key, value);
                }
            }
            configurer(settings).configure(builder);
            ShardedPersistence orm = builder.build();
            return new Scope(databases, orm);
        } catch (RuntimeException e) {
            databases.close();
            throw e;
        }
    }
}
