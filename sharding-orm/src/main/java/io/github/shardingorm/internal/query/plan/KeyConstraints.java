package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.internal.query.value.ValueRef;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.query.sqm.ComparisonOperator;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.from.SqmFrom;
import org.hibernate.query.sqm.tree.predicate.SqmBetweenPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmComparisonPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmGroupedPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmInListPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmJunctionPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmNegatedPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmPredicate;

/**
 * What a WHERE clause says about the shard key, as a {@link ShardPredicate}: key {@code =} and
 * {@code IN}, ranges ({@code < <= > >= BETWEEN}), shard-aware id equality; AND intersects, OR
 * unites when every branch is constrained. Negations and every other predicate say nothing (null).
 */
final class KeyConstraints {

    private final ShardedPaths paths;

    KeyConstraints(ShardedPaths paths) {
        this.paths = paths;
    }

    /** The key constraint of {@code predicate}, or null when it constrains no shard key. */
    ShardPredicate of(SqmPredicate predicate) {
        if (predicate == null) {
            return null;
        }
        if (predicate instanceof SqmGroupedPredicate g) {
            return g.isNegated() ? null : of(g.getSubPredicate());
        }
        if (predicate.isNegated() || predicate instanceof SqmNegatedPredicate) {
            return null;
        }
        if (predicate instanceof SqmJunctionPredicate j) {
            List<ShardPredicate> parts = new ArrayList<>();
            for (SqmPredicate p : j.getPredicates()) {
                parts.add(of(p));
            }
            return j.getOperator() == Predicate.BooleanOperator.AND ? ShardPredicate.allOf(parts) : ShardPredicate.anyOf(parts);
        }
        if (predicate instanceof SqmComparisonPredicate c) {
            return comparison(c.getSqmOperator(), c.getLeftHandExpression(), c.getRightHandExpression());
        }
        if (predicate instanceof SqmInListPredicate<?> in) {
            List<ValueRef> values = new ArrayList<>();
            for (SqmExpression<?> e : in.getListExpressions()) {
                ValueRef v = ValueRefs.of(e);
                if (v == null) {
                    return null;
                }
                values.add(v);
            }
            SqmFrom<?, ?> owner = paths.keyOwner(in.getTestExpression());
            if (owner != null) {
                return new ShardPredicate.KeyIn(paths.model(owner), List.copyOf(values), false);
            }
            SqmFrom<?, ?> idOwner = paths.routableIdOwner(in.getTestExpression());
            return idOwner == null ? null : new ShardPredicate.KeyIn(paths.model(idOwner), List.copyOf(values), true);
        }
        if (predicate instanceof SqmBetweenPredicate b) {
            SqmFrom<?, ?> owner = paths.keyOwner(b.getExpression());
            ValueRef lo = ValueRefs.of(b.getLowerBound());
            ValueRef hi = ValueRefs.of(b.getUpperBound());
            return owner == null || lo == null || hi == null ? null : new ShardPredicate.KeyRange(paths.model(owner), lo, true, hi, true);
        }
        return null;
    }

    private ShardPredicate comparison(ComparisonOperator op, SqmExpression<?> left, SqmExpression<?> right) {
        SqmFrom<?, ?> owner = paths.keyOwner(left);
        ValueRef value = ValueRefs.of(right);
        if (owner == null || value == null) {
            SqmFrom<?, ?> rightOwner = paths.keyOwner(right);
            ValueRef leftValue = ValueRefs.of(left);
            if (rightOwner != null && leftValue != null) {
                return comparison(op.invert(), right, left);
            }
            if (op == ComparisonOperator.EQUAL) {
                SqmFrom<?, ?> idOwner = paths.routableIdOwner(left);
                if (idOwner != null && value != null) {
                    return new ShardPredicate.KeyIn(paths.model(idOwner), List.of(value), true);
                }
                idOwner = paths.routableIdOwner(right);
                if (idOwner != null && leftValue != null) {
                    return new ShardPredicate.KeyIn(paths.model(idOwner), List.of(leftValue), true);
                }
            }
            return null;
        }
        ShardedEntityModel model = paths.model(owner);
        return switch (op) {
            case EQUAL -> new ShardPredicate.KeyIn(model, List.of(value), false);
            case LESS_THAN -> new ShardPredicate.KeyRange(model, null, false, value, false);
            case LESS_THAN_OR_EQUAL -> new ShardPredicate.KeyRange(model, null, false, value, true);
            case GREATER_THAN -> new ShardPredicate.KeyRange(model, value, false, null, false);
            case GREATER_THAN_OR_EQUAL -> new ShardPredicate.KeyRange(model, value, true, null, false);
            default -> null;
        };
    }
}
