package io.github.shardingorm;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API ({@code io.github.shardingorm}, {@code .routing}) and SPI ({@code .spi}) packages must not
 * expose {@code internal} types in anything a user can see: supertypes and the signatures of
 * public and protected constructors, methods and fields (generics included). Which internals the
 * API's code may use at all is {@link PackageRulesTest}'s rule (through the start-up door only).
 */
class ApiDoesNotLeakInternalsTest {

    private static final String ROOT = "io.github.shardingorm";
    private static final String INTERNAL = ROOT + ".internal";
    private static final List<String> API_PACKAGES = List.of(ROOT, ROOT + ".spi", ROOT + ".routing", ROOT + ".query", ROOT + ".saga", ROOT + ".cache", ROOT + ".metrics", ROOT + ".resharding");

    @Test
    void apiPackagesHavePublicClasses() throws Exception {
        List<Class<?>> api = publicApiClasses();
        assertTrue(api.contains(ShardedPersistence.class), api::toString);
        assertTrue(api.contains(ShardedPersistenceBuilder.class), api::toString);
        assertTrue(api.contains(io.github.shardingorm.spi.ShardingStrategy.class), api::toString);
        assertTrue(api.contains(io.github.shardingorm.routing.ShardingStrategies.class), api::toString);
    }

    @Test
    void publicSignaturesOfTheApiNeverMentionInternalTypes() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : publicApiClasses()) {
            check(type.getGenericSuperclass(), type.getName() + " extends", leaks);
            for (Type itf : type.getGenericInterfaces()) {
                check(itf, type.getName() + " implements", leaks);
            }
            for (TypeVariable<?> variable : type.getTypeParameters()) {
                check(variable, type.getName() + " type parameter " + variable, leaks);
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c.getModifiers(), type)) {
                    checkExecutable(c, type.getName() + "(constructor)", leaks);
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (!m.isSynthetic() && !m.isBridge() && visible(m.getModifiers(), type)) {
                    String where = type.getName() + "." + m.getName();
                    check(m.getGenericReturnType(), where + " returns", leaks);
                    checkExecutable(m, where, leaks);
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (!f.isSynthetic() && visible(f.getModifiers(), type)) {
                    check(f.getGenericType(), type.getName() + "." + f.getName() + " field", leaks);
                }
            }
            if (type.isRecord()) {
                for (RecordComponent rc : type.getRecordComponents()) {
                    check(rc.getGenericType(), type.getName() + " record component " + rc.getName(), leaks);
                }
            }
        }
        assertEquals(List.of(), leaks, "internal types leak into the public API");
    }

    /** A shape the check must catch: an internal type deep inside generics. */
    interface LeakyForTheCheck {
        java.util.Map<String, List<? extends io.github.shardingorm.internal.routing.ShardRouter>> routers();

        io.github.shardingorm.internal.routing.KeyType[] types();
    }

    @Test
    void check_findsInternalTypesInsideGenericsAndArrays() throws Exception {
        List<String> leaks = new ArrayList<>();
        check(LeakyForTheCheck.class.getMethod("routers").getGenericReturnType(), "routers", leaks);
        check(LeakyForTheCheck.class.getMethod("types").getGenericReturnType(), "types", leaks);
        assertEquals(List.of("routers: io.github.shardingorm.internal.routing.ShardRouter",
                "types: io.github.shardingorm.internal.routing.KeyType"), leaks);
    }

    // ------------------------------------------------------------------ helpers

    /** Public and protected members count; protected only where a user can subclass (not final). */
    private static boolean visible(int modifiers, Class<?> owner) {
        return Modifier.isPublic(modifiers)
                || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()));
    }

    private static void checkExecutable(Executable e, String where, List<String> leaks) {
        for (Type p : e.getGenericParameterTypes()) {
            check(p, where + " parameter", leaks);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(x, where + " throws", leaks);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
            check(v, where + " type parameter " + v, leaks);
        }
    }

    private static void check(Type type, String where, List<String> leaks) {
        check(type, where, leaks, new HashSet<>());
    }

    private static void check(Type type, String where, List<String> leaks, Set<Type> seen) {
        if (type == null || !seen.add(type)) {
            return;
        }
        if (type instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (c.getName().startsWith(INTERNAL + ".")) {
                leaks.add(where + ": " + c.getName());
            }
        } else if (type instanceof ParameterizedType p) {
            check(p.getRawType(), where, leaks, seen);
            check(p.getOwnerType(), where, leaks, seen);
            for (Type a : p.getActualTypeArguments()) {
                check(a, where, leaks, seen);
            }
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                check(b, where, leaks, seen);
            }
            for (Type b : w.getLowerBounds()) {
                check(b, where, leaks, seen);
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                check(b, where, leaks, seen);
            }
        } else if (type instanceof GenericArrayType g) {
            check(g.getGenericComponentType(), where, leaks, seen);
        }
    }

    /** Every public top-level or nested (public all the way out) class of the API packages. */
    private static List<Class<?>> publicApiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(ShardKey.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> result = new ArrayList<>();
        for (String pkg : API_PACKAGES) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(f -> f.getFileName().toString().endsWith(".class")).sorted().toList();
            }
            for (Path file : files) {
                String simple = file.getFileName().toString().replace(".class", "");
                if (simple.equals("package-info") || simple.equals("module-info")) {
                    continue;
                }
                Class<?> type = Class.forName(pkg + "." + simple, false, ShardKey.class.getClassLoader());
                if (isPublicAllTheWayOut(type)) {
                    result.add(type);
                }
            }
        }
        return result;
    }

    private static boolean isPublicAllTheWayOut(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }
}
