package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.SqlValues;
import io.github.shardingorm.internal.query.value.ValueRef;
import org.hibernate.query.sqm.UnaryArithmeticOperator;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmLiteral;
import org.hibernate.query.sqm.tree.expression.SqmParameter;
import org.hibernate.query.sqm.tree.expression.SqmUnaryOperation;

/** Reads the values of a query tree: literals (a negated numeric literal too) and parameters. */
final class ValueRefs {

    private ValueRefs() {
    }

    /** The value {@code e} stands for, or null when it is neither a literal nor a parameter. */
    static ValueRef of(SqmExpression<?> e) {
        if (e instanceof SqmLiteral<?> literal) {
            return new ValueRef.Literal(literal.getLiteralValue());
        }
        if (e instanceof SqmParameter<?> p) {
            if (p.getName() != null) {
                return new ValueRef.Named(p.getName());
            }
            if (p.getPosition() != null) {
                return new ValueRef.Positional(p.getPosition());
            }
        }
        if (e instanceof SqmUnaryOperation<?> u && u.getOperation() == UnaryArithmeticOperator.UNARY_MINUS
                && u.getOperand() instanceof SqmLiteral<?> l && l.getLiteralValue() instanceof Number n) {
            return new ValueRef.Literal(SqlValues.negate(n));
        }
        return null;
    }
}
