package io.github.shardingorm.test.internal;

import java.lang.annotation.Annotation;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Finds the class-level context that carries an annotation (the class itself or an enclosing one). */
final class AnnotatedContexts {

    private AnnotatedContexts() {
    }

    /**
     * @return the nearest class context whose class carries {@code annotation}, with that annotation
     * @throws IllegalStateException when there is none (the extension was registered some other way)
     */
    static <A extends Annotation> Found<A> find(ExtensionContext context, Class<A> annotation) {
        for (Optional<ExtensionContext> current = Optional.of(context); current.isPresent(); current = current.get().getParent()) {
            ExtensionContext candidate = current.get();
            if (candidate.getTestMethod().isPresent() || candidate.getTestClass().isEmpty()) {
                continue;
            }
            Optional<A> found = AnnotationSupport.findAnnotation(candidate.getRequiredTestClass(), annotation);
            if (found.isPresent()) {
                return new Found<>(candidate, found.get());
            }
        }
        throw new IllegalStateException("@" + annotation.getSimpleName() + " not found on " + context.getDisplayName()
                + " or an enclosing class; put it on the test class");
    }

    record Found<A>(ExtensionContext context, A annotation) {
    }
}
