package io.github.shardingorm.test.internal;

import java.lang.annotation.Annotation;
import java.util.function.Function;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The shape of {@link PostgresShardsExtension} and {@link PostgresServersExtension}: one resource
 * per annotated class, created lazily (so constructor injection works with either test instance
 * lifecycle), kept in that class's store (which closes it when the class is done) and injected
 * into parameters of its type.
 *
 * @param <A> the annotation that asks for the resource
 * @param <R> the resource (closed by JUnit's store)
 */
abstract class ClassScopedResourceExtension<A extends Annotation, R extends AutoCloseable> implements BeforeAllCallback, ParameterResolver {

    private final Class<A> annotation;
    private final Class<R> resourceType;
    private final Function<A, R> create;
    private final ExtensionContext.Namespace namespace = ExtensionContext.Namespace.create(getClass());

    ClassScopedResourceExtension(Class<A> annotation, Class<R> resourceType, Function<A, R> create) {
        this.annotation = annotation;
        this.resourceType = resourceType;
        this.create = create;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        resource(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == resourceType;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return resource(context);
    }

    private R resource(ExtensionContext context) {
        TestResources.bindTo(context);
        AnnotatedContexts.Found<A> found = AnnotatedContexts.find(context, annotation);
        return found.context().getStore(namespace).getOrComputeIfAbsent(resourceType,
                key -> create.apply(found.annotation()), resourceType);
    }
}
