package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.internal.query.value.Parameters;
import io.github.shardingorm.internal.query.value.ValueRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the WHERE clause says about the shard key, evaluated once the parameters are bound:
 * {@link #shards} returns the shards that can hold matching rows, or null for "every shard".
 * Built by {@link KeyConstraints} from key {@code =}/{@code IN} (under AND), range predicates
 * and shard-aware id equality; OR is a union when every branch is constrained.
 */
public sealed interface ShardPredicate {

    /** @return the shards that may hold matching rows (possibly empty), or null when unconstrained */
    Set<String> shards(ShardRouter router, Parameters parameters);

    /** {@code key = v} or {@code key in (v...)}; with {@code byId}, the values are ids that route alone. */
    record KeyIn(ShardedEntityModel model, List<ValueRef> values, boolean byId) implements ShardPredicate {
        @Override
        public Set<String> shards(ShardRouter router, Parameters parameters) {
            if (values.size() == 1) {
                Object value = values.get(0).resolve(parameters);
                if (!(value instanceof Collection<?>) && !(value instanceof Object[])) {
                    // key = :v, the keyed path's case: one routing, no set to build
                    return value == null ? Set.of() : java.util.Collections.singleton(shardOf(router, value));
                }
            }
            Set<String> shards = new LinkedHashSet<>();
            for (ValueRef ref : values) {
                Object value = ref.resolve(parameters);
                if (value instanceof Collection<?> many) {
                    for (Object v : many) {
                        add(router, v, shards);
                    }
                } else if (value instanceof Object[] array) {
                    for (Object v : array) {
                        add(router, v, shards);
                    }
                } else {
                    add(router, value, shards);
                }
            }
            return shards;
        }

        private void add(ShardRouter router, Object value, Set<String> shards) {
            if (value == null) {
                return; // "key = null" matches no row
            }
            shards.add(shardOf(router, value));
        }

        private String shardOf(ShardRouter router, Object value) {
            return byId ? router.shardOfId(model, value) : router.shardOfKey(model, value);
        }
    }

    /** A range of the key; only range strategies prune (others return every shard). */
    record KeyRange(ShardedEntityModel model, ValueRef lower, boolean lowerInclusive, ValueRef upper, boolean upperInclusive)
            implements ShardPredicate {
        @Override
        public Set<String> shards(ShardRouter router, Parameters parameters) {
            Object lo = lower == null ? null : lower.resolve(parameters);
            Object hi = upper == null ? null : upper.resolve(parameters);
            if ((lower != null && lo == null) || (upper != null && hi == null)) {
                return Set.of(); // comparison with null matches no row
            }
            Object loKey = lo == null ? null : model.keyType().normalize(lo);
            Object hiKey = hi == null ? null : model.keyType().normalize(hi);
            if ((lo != null && loKey == null) || (hi != null && hiKey == null)) {
                return null; // not comparable as a key (e.g. a decimal bound): do not prune
            }
            return router.resolver().shardsForRange(loKey, lowerInclusive, hiKey, upperInclusive);
        }
    }

    record AllOf(List<ShardPredicate> parts) implements ShardPredicate {
        @Override
        public Set<String> shards(ShardRouter router, Parameters parameters) {
            Set<String> result = null;
            for (ShardPredicate part : parts) {
                Set<String> s = part.shards(router, parameters);
                if (s == null) {
                    continue;
                }
                if (result == null) {
                    result = new LinkedHashSet<>(s);
                } else {
                    result.retainAll(s);
                }
            }
            return result;
        }
    }

    record AnyOf(List<ShardPredicate> parts) implements ShardPredicate {
        @Override
        public Set<String> shards(ShardRouter router, Parameters parameters) {
            Set<String> result = new LinkedHashSet<>();
            for (ShardPredicate part : parts) {
                Set<String> s = part.shards(router, parameters);
                if (s == null) {
                    return null;
                }
                result.addAll(s);
            }
            return result;
        }
    }

    static ShardPredicate allOf(List<ShardPredicate> parts) {
        List<ShardPredicate> kept = new ArrayList<>();
        for (ShardPredicate p : parts) {
            if (p != null) {
                kept.add(p);
            }
        }
        return kept.isEmpty() ? null : kept.size() == 1 ? kept.get(0) : new AllOf(List.copyOf(kept));
    }

    static ShardPredicate anyOf(List<ShardPredicate> parts) {
        for (ShardPredicate p : parts) {
            if (p == null) {
                return null;
            }
        }
        return parts.size() == 1 ? parts.get(0) : new AnyOf(List.copyOf(parts));
    }
}
