package io.github.shardingorm.internal.routing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;

/**
 * Reads one attribute (the shard key, or the id) of an entity instance: a field, or a getter
 * for property access. Uses a method handle obtained once; reading costs a few nanoseconds.
 */
public final class KeyAccessor {

    private final String attributeName;
    private final Class<?> javaType;
    private final MethodHandle reader;

    private KeyAccessor(String attributeName, Class<?> javaType, MethodHandle reader) {
        this.attributeName = attributeName;
        this.javaType = javaType;
        this.reader = reader.asType(MethodType.methodType(Object.class, Object.class));
    }

    public static KeyAccessor of(Member member) {
        try {
            if (member instanceof Field field) {
                field.setAccessible(true);
                return new KeyAccessor(field.getName(), field.getType(), MethodHandles.lookup().unreflectGetter(field));
            }
            Method getter = (Method) member;
            getter.setAccessible(true);
            return new KeyAccessor(propertyName(getter), getter.getReturnType(), MethodHandles.lookup().unreflect(getter));
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + member + ": " + e.getMessage(), e);
        }
    }

    public String attributeName() {
        return attributeName;
    }

    public Class<?> javaType() {
        return javaType;
    }

    /** Reads the attribute of {@code entity} (not a proxy). */
    public Object read(Object entity) {
        try {
            return reader.invokeExact(entity);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read " + attributeName + " of " + entity.getClass().getName(), t);
        }
    }

    static String propertyName(Method getter) {
        String name = getter.getName();
        int prefix = name.startsWith("get") ? 3 : name.startsWith("is") ? 2 : 0;
        if (prefix == 0 || name.length() == prefix) {
            return name;
        }
        return Character.toLowerCase(name.charAt(prefix)) + name.substring(prefix + 1);
    }
}
