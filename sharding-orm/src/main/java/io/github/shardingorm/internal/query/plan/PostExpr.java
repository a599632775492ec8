package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.Parameters;
import io.github.shardingorm.internal.query.value.SqlValues;
import io.github.shardingorm.internal.query.value.ValueRef;
import java.util.Comparator;
import java.util.List;

/**
 * An expression evaluated after the merge of a grouped query, over one merged group: the select
 * items, HAVING and ORDER BY of the original query, with aggregates replaced by their merged
 * values. SQL semantics: null propagates through arithmetic; predicates are three-valued (a
 * {@code Boolean} or null for unknown).
 */
public sealed interface PostExpr {

    /** The values of one merged group. */
    interface Group {
        /** A per-shard column (a group key or an expression carried from the first row). */
        Object column(int index);

        /** A merged aggregate. */
        Object aggregate(int index);
    }

    Object eval(Group group, Parameters parameters, Comparator<String> text);

    record Column(int index) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            return group.column(index);
        }
    }

    record Aggregate(int index) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            return group.aggregate(index);
        }
    }

    record Constant(ValueRef value) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            return value.resolve(parameters);
        }
    }

    record Arithmetic(char operator, PostExpr left, PostExpr right) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            Object l = left.eval(group, parameters, text);
            Object r = right.eval(group, parameters, text);
            return l == null || r == null ? null : SqlValues.arithmetic(operator, (Number) l, (Number) r);
        }
    }

    record Negate(PostExpr operand) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            Object v = operand.eval(group, parameters, text);
            return v == null ? null : SqlValues.negate((Number) v);
        }
    }

    /** {@code = <> < <= > >=} as "=", "<>", "<", "<=", ">", ">=". */
    record Compare(String operator, PostExpr left, PostExpr right) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            Object l = left.eval(group, parameters, text);
            Object r = right.eval(group, parameters, text);
            if (l == null || r == null) {
                return null;
            }
            if (operator.equals("=")) {
                return SqlValues.equal(l, r, text);
            }
            if (operator.equals("<>")) {
                return !SqlValues.equal(l, r, text);
            }
            int c = SqlValues.compare(l, r, text);
            return switch (operator) {
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }
    }

    /**
     * AND ({@code and} true) or OR, in SQL's three-valued logic: a decisive operand (FALSE for AND,
     * TRUE for OR) decides; otherwise any unknown (null) operand makes the result unknown.
     */
    record Junction(boolean and, List<PostExpr> parts) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            Boolean decisive = !and;
            boolean unknown = false;
            for (PostExpr p : parts) {
                Object v = p.eval(group, parameters, text);
                if (decisive.equals(v)) {
                    return decisive;
                }
                unknown |= v == null;
            }
            return unknown ? null : and;
        }
    }

    record Not(PostExpr operand) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            Object v = operand.eval(group, parameters, text);
            return v == null ? null : !((Boolean) v);
        }
    }

    record IsNull(PostExpr operand) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            return operand.eval(group, parameters, text) == null;
        }
    }

    record In(PostExpr operand, List<PostExpr> values) implements PostExpr {
        @Override
        public Object eval(Group group, Parameters parameters, Comparator<String> text) {
            Object v = operand.eval(group, parameters, text);
            if (v == null) {
                return null;
            }
            boolean unknown = false;
            for (PostExpr e : values) {
                Object w = e.eval(group, parameters, text);
                if (w instanceof java.util.Collection<?> many) {
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
}
