package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.ValueRef;
import java.util.List;

/**
 * An expression evaluated after the merge of a grouped query, over one merged group: the select
 * items, HAVING and ORDER BY of the original query, with aggregates replaced by their merged
 * values. SQL semantics ({@code merge.PostExprEval}): null propagates through arithmetic;
 * predicates are three-valued (a {@code Boolean} or null for unknown).
 */
public sealed interface PostExpr {

    /** A per-shard column: a group key, or an expression carried from the group's first row. */
    record Column(int index) implements PostExpr {
    }

    /** A merged aggregate, by its index among the grouping's aggregates. */
    record Aggregate(int index) implements PostExpr {
    }

    record Constant(ValueRef value) implements PostExpr {
    }

    /** {@code + - * / %} */
    record Arithmetic(char operator, PostExpr left, PostExpr right) implements PostExpr {
    }

    record Negate(PostExpr operand) implements PostExpr {
    }

    /**
     * The operand's number as PostgreSQL's implicit promotion types it ({@code Long}, {@code BigDecimal}
     * for numeric, {@code Double}): the operands of {@code coalesce(avg(i), -1)} are numerics there,
     * {@code sum} of a bigint is a numeric.
     */
    record Promote(Class<?> type, PostExpr operand) implements PostExpr {
    }

    /** {@code coalesce(a, b, ...)}: the first non-null operand, or null. */
    record Coalesce(List<PostExpr> operands) implements PostExpr {
    }

    /** {@code = <> < <= > >=} as "=", "<>", "<", "<=", ">", ">=". */
    record Compare(String operator, PostExpr left, PostExpr right) implements PostExpr {
    }

    /** AND ({@code and} true) or OR. */
    record Junction(boolean and, List<PostExpr> parts) implements PostExpr {
    }

    record Not(PostExpr operand) implements PostExpr {
    }

    record IsNull(PostExpr operand) implements PostExpr {
    }

    record In(PostExpr operand, List<PostExpr> values) implements PostExpr {
    }
}
