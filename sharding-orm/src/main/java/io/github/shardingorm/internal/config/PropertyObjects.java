package io.github.shardingorm.internal.config;

import io.github.shardingorm.ShardingSettings;
import io.github.shardingorm.routing.DirectoryStrategyBuilder;
import io.github.shardingorm.routing.RangeStrategyBuilder;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.saga.SagaDefinition;
import io.github.shardingorm.spi.ShardingStrategy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The objects of the properties form that are not plain values: a strategy (a name, a small text
 * form for range and directory, or a class name), sagas (instances or class names) and what a
 * class name must be to be instantiated. Every failure becomes a problem naming the key, the value
 * and what was expected; nothing throws.
 */
final class PropertyObjects {

    private PropertyObjects() {
    }

    /**
     * {@code range}: {@link ShardingSettings#STRATEGY_RANGES}, e.g. {@code s0:..1000, s1:1000..5000, s2:5000..}
     * (integral bounds, or text bounds); lower inclusive, upper exclusive, an empty side unbounded.
     */
    static ShardingStrategy range(String text, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add(ShardingSettings.STRATEGY_RANGES + " is missing: the range strategy needs e.g. 's0:..1000, s1:1000..'");
            return null;
        }
        RangeStrategyBuilder b = ShardingStrategies.range();
        for (String part : text.split(",")) {
            String entry = part.trim();
            int colon = entry.indexOf(':');
            int dots = entry.indexOf("..");
            if (colon < 1 || dots < colon) {
                problems.add(ShardingSettings.STRATEGY_RANGES + ": '" + entry + "' is not shard:lower..upper");
                continue;
            }
            try {
                b.shard(entry.substring(0, colon).trim(), value(entry.substring(colon + 1, dots)), value(entry.substring(dots + 2)));
            } catch (IllegalArgumentException e) {
                problems.add(ShardingSettings.STRATEGY_RANGES + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    /** {@code directory}: {@link ShardingSettings#STRATEGY_DIRECTORY}, e.g. {@code eu:s0, us:s1}, and an optional default shard. */
    static ShardingStrategy directory(String text, String defaultShard, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add(ShardingSettings.STRATEGY_DIRECTORY + " is missing: the directory strategy needs e.g. 'eu:s0, us:s1'");
            return null;
        }
        DirectoryStrategyBuilder b = ShardingStrategies.directory();
        for (String part : text.split(",")) {
            String entry = part.trim();
            int colon = entry.lastIndexOf(':');
            if (colon < 1 || colon == entry.length() - 1) {
                problems.add(ShardingSettings.STRATEGY_DIRECTORY + ": '" + entry + "' is not value:shard");
                continue;
            }
            try {
                b.map(value(entry.substring(0, colon)), entry.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                problems.add(ShardingSettings.STRATEGY_DIRECTORY + ": " + e.getMessage());
            }
        }
        if (defaultShard != null && !defaultShard.isBlank()) {
            b.defaultShard(defaultShard.trim());
        }
        return b.build();
    }

    /** A strategy object, or a class name of a {@link ShardingStrategy} or a {@code Supplier<ShardingStrategy>} with a public no-argument constructor. */
    static ShardingStrategy strategy(Object value, List<String> problems) {
        Object o = value instanceof String name ? instantiate(ShardingSettings.STRATEGY, name, problems) : value;
        if (o instanceof Supplier<?> s) {
            o = s.get();
        }
        if (o == null) {
            return null;
        }
        if (o instanceof ShardingStrategy strategy) {
            return strategy;
        }
        problems.add(ShardingSettings.STRATEGY + ": " + o.getClass().getName() + " is neither a ShardingStrategy nor a Supplier of one;"
                + " use hash, consistent-hash, weighted, range, directory or such a class name");
        return null;
    }

    /** Sagas: a SagaDefinition, a collection of them, or comma-separated class names of {@code Supplier<SagaDefinition>}. */
    static List<SagaDefinition> sagas(Object value, List<String> problems) {
        List<Object> items = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            items.addAll(c);
        } else if (value instanceof String names) {
            for (String name : names.split(",")) {
                if (!name.isBlank()) {
                    items.add(instantiate(ShardingSettings.SAGAS, name.trim(), problems));
                }
            }
        } else {
            items.add(value);
        }
        List<SagaDefinition> sagas = new ArrayList<>();
        for (Object item : items) {
            Object o = item instanceof Supplier<?> s ? s.get() : item;
            if (o instanceof SagaDefinition saga) {
                sagas.add(saga);
            } else if (o != null) {
                problems.add(ShardingSettings.SAGAS + ": " + o.getClass().getName() + " is neither a SagaDefinition nor a Supplier of one");
            }
        }
        return sagas;
    }

    /** An instance of a class named in the properties: public, with a public no-argument constructor. */
    static Object instantiate(String key, String className, List<String> problems) {
        try {
            Class<?> type = Class.forName(className.trim(), true, classLoader());
            return type.getConstructor().newInstance();
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add(key + ": class " + className + " cannot be loaded (" + e + ")");
        } catch (ReflectiveOperationException e) {
            problems.add(key + ": class " + className + " cannot be instantiated: it needs a public no-argument constructor (" + e + ")");
        } catch (RuntimeException e) {
            problems.add(key + ": class " + className + " failed in its constructor: " + e);
        }
        return null;
    }

    /** A bound or directory value: an integral number as Long, anything else as text; empty is null (unbounded). */
    private static Object value(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (t.matches("-?\\d{1,18}")) {
            return Long.valueOf(t);
        }
        return t.length() >= 2 && t.startsWith("'") && t.endsWith("'") ? t.substring(1, t.length() - 1) : t;
    }

    static ClassLoader classLoader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl != null ? tccl : PropertyObjects.class.getClassLoader();
    }
}
