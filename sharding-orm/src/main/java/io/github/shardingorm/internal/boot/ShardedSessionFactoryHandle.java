package io.github.shardingorm.internal.boot;

import io.github.shardingorm.ShardedPersistence;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * The face of a sharded unit's SessionFactory that users hold ({@code orm.sessionFactory()}, the
 * {@code EntityManagerFactory} of {@code Persistence.createEntityManagerFactory}): Hibernate's own
 * SessionFactory for every call, except that {@code unwrap(ShardedPersistence.class)} returns the
 * unit and {@code close()} closes the whole unit (its pools too). Hibernate's {@code unwrap} has no
 * extension point, hence a proxy over {@link SessionFactoryImplementor}; the library's own code uses
 * the SessionFactory itself.
 */
final class ShardedSessionFactoryHandle implements InvocationHandler {

    private final SessionFactoryImplementor target;
    private final ShardedPersistence unit;

    private ShardedSessionFactoryHandle(SessionFactoryImplementor target, ShardedPersistence unit) {
        this.target = target;
        this.unit = unit;
    }

    static SessionFactoryImplementor of(SessionFactoryImplementor target, ShardedPersistence unit) {
        return (SessionFactoryImplementor) Proxy.newProxyInstance(ShardedSessionFactoryHandle.class.getClassLoader(),
                new Class<?>[] {SessionFactoryImplementor.class}, new ShardedSessionFactoryHandle(target, unit));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "unwrap" -> {
                if (args != null && args.length == 1 && args[0] instanceof Class<?> type) {
                    if (type.isInstance(unit)) {
                        return unit;
                    }
                    if (type.isInstance(proxy)) {
                        return proxy;
                    }
                }
            }
            case "close" -> {
                if (method.getParameterCount() == 0) {
                    unit.close();
                    return null;
                }
            }
            case "equals" -> {
                if (method.getParameterCount() == 1) {
                    return proxy == args[0];
                }
            }
            case "hashCode" -> {
                if (method.getParameterCount() == 0) {
                    return System.identityHashCode(proxy);
                }
            }
            case "toString" -> {
                if (method.getParameterCount() == 0) {
                    return "SessionFactory of " + unit;
                }
            }
            default -> {
            }
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
