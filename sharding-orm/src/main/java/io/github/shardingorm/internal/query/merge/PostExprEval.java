package io.github.shardingorm.internal.query.merge;

import io.github.shardingorm.internal.query.plan.PostExpr;
import io.github.shardingorm.internal.query.value.Parameters;
import io.github.shardingorm.internal.query.value.SqlValues;
import java.util.Collection;
import java.util.Comparator;

/**
 * Evaluates a {@link PostExpr} over one merged group, in SQL semantics: null propagates through
 * arithmetic; predicates are three-valued (a {@code Boolean}, or null for unknown).
 */
public final class PostExprEval {

    /** The values of one merged group. */
    public interface Group {
        /** A per-shard column (a group key or an expression carried from the first row). */
        Object column(int index);

        /** A merged aggregate. */
        Object aggregate(int index);
    }

    private PostExprEval() {
    }

    public static Object eval(PostExpr e, Group group, Parameters parameters, Comparator<String> text) {
        if (e instanceof PostExpr.Column c) {
            return group.column(c.index());
        }
        if (e instanceof PostExpr.Aggregate a) {
            return group.aggregate(a.index());
        }
        if (e instanceof PostExpr.Constant c) {
            return c.value().resolve(parameters);
        }
        if (e instanceof PostExpr.Arithmetic a) {
            Object l = eval(a.left(), group, parameters, text);
            Object r = eval(a.right(), group, parameters, text);
            if (l == null || r == null) {
                return null;
            }
            try {
                return SqlValues.arithmetic(a.operator(), (Number) l, (Number) r);
            } catch (ArithmeticException overflow) {
                throw new ArithmeticException(SqlValues.describe(l) + " " + a.operator() + " " + SqlValues.describe(r) + ": "
                        + SqlValues.postgresqlMessage(overflow, l, r));
            }
        }
        if (e instanceof PostExpr.Negate n) {
            Object v = eval(n.operand(), group, parameters, text);
            try {
                return v == null ? null : SqlValues.negate((Number) v);
            } catch (ArithmeticException overflow) {
                throw new ArithmeticException("-" + SqlValues.describe(v) + ": " + SqlValues.postgresqlMessage(overflow, v, v));
            }
        }
        if (e instanceof PostExpr.Promote p) {
            Object v = eval(p.operand(), group, parameters, text);
            return v instanceof Number n ? SqlValues.convert(n, p.type()) : v;
        }
        if (e instanceof PostExpr.Coalesce c) {
            for (PostExpr operand : c.operands()) {
                Object v = eval(operand, group, parameters, text);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
        if (e instanceof PostExpr.Compare c) {
            return compare(c, group, parameters, text);
        }
        if (e instanceof PostExpr.Junction j) {
            return junction(j, group, parameters, text);
        }
        if (e instanceof PostExpr.Not n) {
            Object v = eval(n.operand(), group, parameters, text);
            return v == null ? null : !((Boolean) v);
        }
        if (e instanceof PostExpr.IsNull n) {
            return eval(n.operand(), group, parameters, text) == null;
        }
        if (e instanceof PostExpr.In in) {
            return in(in, group, parameters, text);
        }
        throw new IllegalStateException("unknown post-merge expression " + e);
    }

    private static Object compare(PostExpr.Compare c, Group group, Parameters parameters, Comparator<String> text) {
        Object l = eval(c.left(), group, parameters, text);
        Object r = eval(c.right(), group, parameters, text);
        if (l == null || r == null) {
            return null;
        }
        if (c.operator().equals("=")) {
            return SqlValues.equal(l, r, text);
        }
        if (c.operator().equals("<>")) {
            return !SqlValues.equal(l, r, text);
        }
        int cmp = SqlValues.compare(l, r, text);
        return switch (c.operator()) {
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            default -> cmp >= 0;
        };
    }

    /** A decisive operand (FALSE for AND, TRUE for OR) decides; otherwise any unknown (null) operand makes the result unknown. */
    private static Object junction(PostExpr.Junction j, Group group, Parameters parameters, Comparator<String> text) {
        Boolean decisive = !j.and();
        boolean unknown = false;
        for (PostExpr p : j.parts()) {
            Object v = eval(p, group, parameters, text);
            if (decisive.equals(v)) {
                return decisive;
            }
            unknown |= v == null;
        }
        return unknown ? null : j.and();
    }

    private static Object in(PostExpr.In in, Group group, Parameters parameters, Comparator<String> text) {
        Object v = eval(in.operand(), group, parameters, text);
        if (v == null) {
            return null;
        }
        boolean unknown = false;
        for (PostExpr e : in.values()) {
            Object w = eval(e, group, parameters, text);
            if (w instanceof Collection<?> many) {
                for (Object x : many) {
                    if (x == null) {
                        unknown = true;
                    } else if (SqlValues.equal(v, x, text)) {
                        return true;
                    }
                }
            } else if (w == null) {
                unknown = true;
            } else if (SqlValues.equal(v, w, text)) {
                return true;
            }
        }
        return unknown ? null : false;
    }
}
