package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.ValueRef;
import jakarta.persistence.criteria.Predicate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hibernate.query.sqm.UnaryArithmeticOperator;
import org.hibernate.query.sqm.tree.expression.SqmAggregateFunction;
import org.hibernate.query.sqm.tree.expression.SqmBinaryArithmetic;
import org.hibernate.query.sqm.tree.expression.SqmCoalesce;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmFunction;
import org.hibernate.query.sqm.tree.expression.SqmLiteral;
import org.hibernate.query.sqm.tree.expression.SqmUnaryOperation;
import org.hibernate.query.sqm.tree.predicate.SqmBetweenPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmComparisonPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmGroupedPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmInListPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmJunctionPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmNegatedPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmNullnessPredicate;
import org.hibernate.query.sqm.tree.predicate.SqmPredicate;

/**
 * Translates the select items, HAVING and ORDER BY of a grouped query into {@link PostExpr}s over
 * the merged groups: a group key becomes its column, an aggregate its merged value
 * ({@link AggregateRewrite}), a literal or parameter a constant, an expression without aggregates
 * a column carried from the group's first row; over aggregates only {@code + - * / %}, negation and
 * coalesce are evaluated, with literals as PostgreSQL reads them ({@link #asPostgresqlReadsIt}). Carried columns are numbered {@code -index-1} until the per-shard layout is known
 * ({@link #relocate}).
 */
final class PostMergeTranslator {

    private final Analysis analysis;
    private final List<SqmExpression<?>> groupBy;
    private final AggregateRewrite aggregates;

    PostMergeTranslator(Analysis analysis, List<SqmExpression<?>> groupBy, AggregateRewrite aggregates) {
        this.analysis = analysis;
        this.groupBy = groupBy;
        this.aggregates = aggregates;
    }

    /** Translates an expression of a grouped query. */
    PostExpr expression(SqmExpression<?> e) {
        int group = groupBy.indexOf(e);
        if (group >= 0) {
            return new PostExpr.Column(group);
        }
        ValueRef value = ValueRefs.of(e);
        if (value != null) {
            return new PostExpr.Constant(value instanceof ValueRef.Literal l ? new ValueRef.Literal(asPostgresqlReadsIt(l.value())) : value);
        }
        if (e instanceof SqmFunction<?> f && e instanceof SqmAggregateFunction<?>) {
            PostExpr merged = aggregates.aggregate(f);
            // PostgreSQL sums bigints as numeric: sum(x) / 3 divides a numeric there (the result is read back as JPQL's Long)
            return f.getFunctionName().equalsIgnoreCase("sum") && pgType(e) == PgType.NUMERIC && pgType(argument(f)) == PgType.BIGINT
                    ? new PostExpr.Promote(BigDecimal.class, merged) : merged;
        }
        if (!AggregateFinder.containsAggregate(e)) {
            return new PostExpr.Column(-aggregates.partial(e) - 1); // a carried column, relocated later
        }
        if (e instanceof SqmBinaryArithmetic<?> a) {
            char op = switch (a.getOperator()) {
                case ADD -> '+';
                case SUBTRACT -> '-';
                case MULTIPLY -> '*';
                case MODULO -> '%';
                default -> '/';
            };
            return new PostExpr.Arithmetic(op, expression(a.getLeftHandOperand()), expression(a.getRightHandOperand()));
        }
        if (e instanceof SqmUnaryOperation<?> u) {
            PostExpr operand = expression(u.getOperand());
            return u.getOperation() == UnaryArithmeticOperator.UNARY_MINUS ? new PostExpr.Negate(operand) : operand;
        }
        if (e instanceof SqmCoalesce<?> c) {
            return coalesce(c.getArguments());
        }
        if (e instanceof SqmFunction<?> f) {
            String name = f.getFunctionName().toLowerCase(Locale.ROOT);
            List<SqmExpression<?>> args = expressionArguments(f);
            if (args != null) {
                if (name.equals("mod") && args.size() == 2) { // HQL's x % y
                    return new PostExpr.Arithmetic('%', expression(args.get(0)), expression(args.get(1)));
                }
                if (name.equals("coalesce") && !args.isEmpty()) {
                    return coalesce(args);
                }
            }
        }
        analysis.rejectFanOut("expression over aggregates " + analysis.render(e),
                "only + - * / %, unary minus and coalesce over COUNT/SUM/MIN/MAX/AVG are merged");
        return new PostExpr.Constant(new ValueRef.Literal(null));
    }

    /** The operands promoted to their common type, as PostgreSQL resolves coalesce ({@code coalesce(avg(i), -1)} is a numeric). */
    private PostExpr coalesce(List<? extends SqmExpression<?>> arguments) {
        PgType common = pgTypeOfAll(arguments);
        List<PostExpr> operands = new ArrayList<>();
        for (SqmExpression<?> a : arguments) {
            PostExpr operand = expression(a);
            operands.add(common != null && pgType(a) != common ? new PostExpr.Promote(common.javaType, operand) : operand);
        }
        return new PostExpr.Coalesce(operands);
    }

    /** PostgreSQL's number types in the order of their implicit promotion (int4 &lt; int8 &lt; numeric &lt; float8). */
    enum PgType {
        INTEGER(Integer.class), BIGINT(Long.class), NUMERIC(BigDecimal.class), DOUBLE(Double.class);

        final Class<?> javaType;

        PgType(Class<?> javaType) {
            this.javaType = javaType;
        }

        static PgType ofJava(Class<?> type) {
            if (type == null) {
                return null;
            }
            if (type == Integer.class || type == int.class || type == Short.class || type == short.class || type == Byte.class || type == byte.class) {
                return INTEGER;
            }
            if (type == Long.class || type == long.class) {
                return BIGINT;
            }
            if (type == BigDecimal.class || type == java.math.BigInteger.class) {
                return NUMERIC;
            }
            if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
                return DOUBLE;
            }
            return null;
        }

        static PgType max(PgType a, PgType b) {
            return a == null || b == null ? null : a.compareTo(b) >= 0 ? a : b;
        }
    }

    /**
     * The PostgreSQL type of a number expression of a grouped query, or null when it is not a
     * number (or not known): JPQL types AVG Double where PostgreSQL computes a numeric (but of a
     * floating argument), a decimal literal Double where PostgreSQL reads a numeric, SUM of a
     * bigint Long where PostgreSQL sums a numeric.
     */
    static PgType pgType(SqmExpression<?> e) {
        if (e instanceof SqmLiteral<?> literal) {
            Object v = asPostgresqlReadsIt(literal.getLiteralValue());
            return v instanceof Number ? PgType.ofJava(v.getClass()) : null;
        }
        if (e instanceof SqmUnaryOperation<?> u) {
            return pgType(u.getOperand());
        }
        if (e instanceof SqmBinaryArithmetic<?> a) {
            return PgType.max(pgType(a.getLeftHandOperand()), pgType(a.getRightHandOperand()));
        }
        if (e instanceof SqmCoalesce<?> c) {
            return pgTypeOfAll(c.getArguments());
        }
        if (e instanceof SqmFunction<?> f) {
            String name = f.getFunctionName().toLowerCase(Locale.ROOT);
            SqmExpression<?> argument = argument(f);
            if (e instanceof SqmAggregateFunction<?>) {
                PgType of = argument == null ? null : pgType(argument);
                return switch (name) {
                    case "count" -> PgType.BIGINT;
                    case "sum" -> of == PgType.INTEGER ? PgType.BIGINT : of == PgType.BIGINT ? PgType.NUMERIC : of;
                    case "avg" -> of == null ? null : of == PgType.DOUBLE ? PgType.DOUBLE : PgType.NUMERIC;
                    case "min", "max" -> of;
                    default -> PgType.ofJava(e.getJavaType());
                };
            }
            if (name.equals("coalesce") || name.equals("mod")) {
                List<SqmExpression<?>> args = expressionArguments(f);
                return args == null ? null : pgTypeOfAll(args);
            }
        }
        return PgType.ofJava(e.getJavaType());
    }

    private static PgType pgTypeOfAll(List<? extends SqmExpression<?>> arguments) {
        PgType common = null;
        for (SqmExpression<?> a : arguments) {
            PgType t = pgType(a);
            if (t == null) {
                return null;
            }
            common = common == null ? t : PgType.max(common, t);
        }
        return common;
    }

    /** The function's arguments when every one is an expression, else null. */
    private static List<SqmExpression<?>> expressionArguments(SqmFunction<?> f) {
        List<SqmExpression<?>> args = new ArrayList<>();
        for (var a : f.getArguments()) {
            if (!(a instanceof SqmExpression<?> x)) {
                return null;
            }
            args.add(x);
        }
        return args;
    }

    private static SqmExpression<?> argument(SqmFunction<?> f) {
        if (f.getArguments().size() != 1) {
            return null;
        }
        Object a = f.getArguments().get(0);
        if (a instanceof org.hibernate.query.sqm.tree.expression.SqmDistinct<?> d) {
            return d.getExpression();
        }
        return a instanceof SqmExpression<?> x ? x : null;
    }

    /**
     * A literal as PostgreSQL reads it: Hibernate writes a Double or Float literal ({@code 1.5},
     * which JPQL types Double) as its decimal text, which PostgreSQL reads as a numeric, so
     * {@code avg(x) * 1.5} and {@code count(*) * 0.1} are exact numeric products there (read back
     * as the nearest double), not products of doubles; an integral literal is an integer when it
     * fits one ({@code 2L} is {@code 2}, int4: {@code max(i) * 2L} overflows as int4 does). A Double
     * parameter stays a double precision (it is bound as float8).
     */
    static Object asPostgresqlReadsIt(Object literal) {
        if ((literal instanceof Double d && Double.isFinite(d)) || (literal instanceof Float f && Float.isFinite(f))) {
            BigDecimal numeric = new BigDecimal(literal.toString());
            return numeric.scale() < 0 ? numeric.setScale(0) : numeric;
        }
        if (literal instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        return literal;
    }

    /** Translates a HAVING predicate. */
    PostExpr predicate(SqmPredicate p) {
        PostExpr result;
        if (p instanceof SqmGroupedPredicate g) {
            result = predicate(g.getSubPredicate());
        } else if (p instanceof SqmNegatedPredicate n) {
            return new PostExpr.Not(predicate(n.getWrappedPredicate()));
        } else if (p instanceof SqmJunctionPredicate j) {
            List<PostExpr> parts = new ArrayList<>();
            for (SqmPredicate x : j.getPredicates()) {
                parts.add(predicate(x));
            }
            result = new PostExpr.Junction(j.getOperator() == Predicate.BooleanOperator.AND, parts);
        } else if (p instanceof SqmComparisonPredicate c) {
            String op = switch (c.getSqmOperator()) {
                case EQUAL -> "=";
                case NOT_EQUAL -> "<>";
                case LESS_THAN -> "<";
                case LESS_THAN_OR_EQUAL -> "<=";
                case GREATER_THAN -> ">";
                case GREATER_THAN_OR_EQUAL -> ">=";
                default -> null;
            };
            if (op == null) {
                analysis.rejectFanOut("HAVING with " + c.getSqmOperator(), "comparison not merged");
                return new PostExpr.Constant(new ValueRef.Literal(null));
            }
            return new PostExpr.Compare(op, expression(c.getLeftHandExpression()), expression(c.getRightHandExpression()));
        } else if (p instanceof SqmBetweenPredicate b) {
            PostExpr x = expression(b.getExpression());
            result = new PostExpr.Junction(true, List.of(new PostExpr.Compare(">=", x, expression(b.getLowerBound())),
                    new PostExpr.Compare("<=", x, expression(b.getUpperBound()))));
        } else if (p instanceof SqmNullnessPredicate n) {
            result = new PostExpr.IsNull(expression(n.getExpression()));
        } else if (p instanceof SqmInListPredicate<?> in) {
            List<PostExpr> values = new ArrayList<>();
            for (SqmExpression<?> v : in.getListExpressions()) {
                values.add(expression(v));
            }
            result = new PostExpr.In(expression(in.getTestExpression()), values);
        } else {
            analysis.rejectFanOut("HAVING " + p.getClass().getSimpleName(), "this predicate is not evaluated after the merge");
            return new PostExpr.Constant(new ValueRef.Literal(null));
        }
        return p.isNegated() ? new PostExpr.Not(result) : result;
    }

    /** Moves carried columns (numbered {@code -index-1} among the partials) behind the group keys and distinct arguments. */
    static PostExpr relocate(PostExpr e, int base) {
        if (e instanceof PostExpr.Column c) {
            return c.index() < 0 ? new PostExpr.Column(base + (-c.index() - 1)) : c;
        }
        if (e instanceof PostExpr.Arithmetic a) {
            return new PostExpr.Arithmetic(a.operator(), relocate(a.left(), base), relocate(a.right(), base));
        }
        if (e instanceof PostExpr.Negate n) {
            return new PostExpr.Negate(relocate(n.operand(), base));
        }
        if (e instanceof PostExpr.Coalesce c) {
            return new PostExpr.Coalesce(c.operands().stream().map(p -> relocate(p, base)).toList());
        }
        if (e instanceof PostExpr.Promote p) {
            return new PostExpr.Promote(p.type(), relocate(p.operand(), base));
        }
        if (e instanceof PostExpr.Compare c) {
            return new PostExpr.Compare(c.operator(), relocate(c.left(), base), relocate(c.right(), base));
        }
        if (e instanceof PostExpr.Junction j) {
            return new PostExpr.Junction(j.and(), j.parts().stream().map(p -> relocate(p, base)).toList());
        }
        if (e instanceof PostExpr.Not n) {
            return new PostExpr.Not(relocate(n.operand(), base));
        }
        if (e instanceof PostExpr.IsNull n) {
            return new PostExpr.IsNull(relocate(n.operand(), base));
        }
        if (e instanceof PostExpr.In in) {
            return new PostExpr.In(relocate(in.operand(), base), in.values().stream().map(p -> relocate(p, base)).toList());
        }
        return e;
    }
}
