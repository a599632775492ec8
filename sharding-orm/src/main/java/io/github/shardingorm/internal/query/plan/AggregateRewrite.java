package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.ValueRef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hibernate.metamodel.model.domain.ReturnableType;
import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.hibernate.query.sqm.internal.SqmCriteriaNodeBuilder;
import org.hibernate.query.sqm.tree.expression.SqmAggregateFunction;
import org.hibernate.query.sqm.tree.expression.SqmDistinct;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmFunction;
import org.hibernate.query.sqm.tree.predicate.SqmPredicate;

/**
 * The aggregates of a grouped query, rewritten into what each shard computes and how the partials
 * merge ({@link MergeAggregate}): COUNT, SUM, MIN and MAX are asked as themselves; AVG as SUM and
 * COUNT (the merge divides, never averages averages); COUNT(DISTINCT x) by grouping on x as well
 * on every shard. Other aggregates, SUM/AVG(DISTINCT) and filtered AVG or COUNT(DISTINCT) cannot
 * fan out. This is where the per-shard partials (and their types) are decided.
 *
 * <p>Per-shard columns after the group keys: the distinct arguments, then the partials (which also
 * hold the expressions carried from each group's first row).
 */
final class AggregateRewrite {

    private final Analysis analysis;
    private final HibernateCriteriaBuilder cb;
    private final List<SqmExpression<?>> distinctArguments = new ArrayList<>();
    private final List<SqmExpression<?>> partials = new ArrayList<>();
    /** Per partial: whether it is an AVG's helper sum (never shared with a written aggregate). */
    private final List<Boolean> helpers = new ArrayList<>();
    private final List<SqmExpression<?>> aggregateNodes = new ArrayList<>();
    private final List<MergeAggregate.Kind> kinds = new ArrayList<>();
    /** Per aggregate: its column among the distinct arguments (COUNT_DISTINCT) or partials, and the partial COUNT of an AVG (else -1). */
    private final List<int[]> columns = new ArrayList<>();

    AggregateRewrite(Analysis analysis, HibernateCriteriaBuilder cb) {
        this.analysis = analysis;
        this.cb = cb;
    }

    /** The post-merge value of aggregate {@code f} (registered once however often it appears). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    PostExpr aggregate(SqmFunction<?> f) {
        int known = aggregateNodes.indexOf(f);
        if (known >= 0) {
            return new PostExpr.Aggregate(known);
        }
        String name = f.getFunctionName().toLowerCase(Locale.ROOT);
        SqmPredicate filter = ((SqmAggregateFunction<?>) f).getFilter();
        Object arg = f.getArguments().isEmpty() ? null : f.getArguments().get(0);
        boolean distinct = arg instanceof SqmDistinct<?>;
        if (f.getArguments().size() != 1 || !(distinct || arg instanceof SqmExpression<?>)) {
            analysis.rejectFanOut("aggregate function " + name, "only COUNT, SUM, MIN, MAX and AVG of one argument are merged across shards");
            return new PostExpr.Constant(new ValueRef.Literal(null));
        }
        SqmExpression<?> argument = distinct ? ((SqmDistinct<?>) arg).getExpression() : (SqmExpression<?>) arg;
        MergeAggregate.Kind kind;
        int[] cols;
        switch (name) {
            case "count" -> {
                if (distinct) {
                    if (filter != null) {
                        analysis.rejectFanOut("count(distinct ...) filter (...)", "not merged");
                    }
                    int index = distinctArguments.indexOf(argument);
                    if (index < 0) {
                        index = distinctArguments.size();
                        distinctArguments.add(argument);
                    }
                    kind = MergeAggregate.Kind.COUNT_DISTINCT;
                    cols = new int[] {index, -1};
                } else {
                    kind = MergeAggregate.Kind.COUNT;
                    cols = new int[] {partial(f), -1};
                }
            }
            case "sum" -> {
                if (distinct) {
                    analysis.rejectFanOut("sum(distinct ...)", "not merged; sum the distinct values yourself");
                }
                kind = MergeAggregate.Kind.SUM;
                // sum(a.score * 0.1): JPQL's Double, PostgreSQL's exact numeric; read as a Double per shard, the partials would round
                cols = new int[] {numericOnTheShard(argument) && f.getJavaType() != BigDecimal.class
                        ? helperPartial(numericSum(argument)) : partial(f), -1};
            }
            case "avg" -> {
                if (distinct) {
                    analysis.rejectFanOut("avg(distinct ...)", "not merged");
                }
                if (filter != null) {
                    analysis.rejectFanOut("avg(...) filter (...)", "not merged; use sum(...) filter and count(...) filter");
                }
                kind = MergeAggregate.Kind.AVG;
                cols = new int[] {helperPartial(averagedSum(argument)), partial((SqmExpression<?>) cb.count(countedFor(argument)))};
            }
            case "min", "max" -> {
                kind = name.equals("min") ? MergeAggregate.Kind.MIN : MergeAggregate.Kind.MAX;
                cols = new int[] {partial(f), -1};
            }
            default -> {
                analysis.rejectFanOut("aggregate function " + name, "only COUNT, SUM, MIN, MAX and AVG are merged across shards");
                return new PostExpr.Constant(new ValueRef.Literal(null));
            }
        }
        aggregateNodes.add(f);
        kinds.add(kind);
        columns.add(cols);
        return new PostExpr.Aggregate(kinds.size() - 1);
    }

    /**
     * The index of {@code e} among the partials (a partial aggregate or a carried expression), added if new.
     * The helper sums of AVG are never reused here: they are typed for the average, not as JPQL
     * types a written {@code sum(x)}, and SQM nodes compare equal across types.
     */
    int partial(SqmExpression<?> e) {
        for (int i = 0; i < partials.size(); i++) {
            if (!helpers.get(i) && partials.get(i).equals(e)) {
                return i;
            }
        }
        partials.add(e);
        helpers.add(false);
        return partials.size() - 1;
    }

    private int helperPartial(SqmExpression<?> e) {
        partials.add(e);
        helpers.add(true);
        return partials.size() - 1;
    }

    /** Functions that are null exactly when their one argument is: counting the argument counts them. */
    private static final java.util.Set<String> NULL_PRESERVING = java.util.Set.of("length", "character_length", "char_length",
            "octet_length", "bit_length", "lower", "upper", "abs");

    /**
     * What the COUNT under an AVG counts: {@code avg(length(p.body))} counts {@code p.body}, which
     * is null exactly when {@code length(p.body)} is, so that each shard evaluates the function
     * once per row (for the sum), not twice.
     */
    private static SqmExpression<?> countedFor(SqmExpression<?> argument) {
        if (argument instanceof SqmFunction<?> f && f.getArguments().size() == 1
                && NULL_PRESERVING.contains(f.getFunctionName().toLowerCase(Locale.ROOT))
                && f.getArguments().get(0) instanceof org.hibernate.query.sqm.tree.domain.SqmPath<?> path) {
            return path;
        }
        return argument;
    }

    /**
     * The per-shard sum under an AVG, as wide as the database computes it: PostgreSQL sums
     * integers as bigint and bigints as numeric, so an integral argument is read as BigDecimal
     * (never overflows, exact), and so is an argument PostgreSQL computes as a numeric that JPQL
     * types Double ({@code avg(a.score * 0.1)}); floating and decimal arguments keep JPQL's sum
     * type (Double, BigDecimal). Built through the function registry, not {@code cb.sum(x)}, which would type
     * the sum like its argument ({@code Integer}) and fail on {@code avg(p.likes * 100000)}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private SqmExpression<?> averagedSum(SqmExpression<?> argument) {
        Class<?> javaType = argument.getJavaType();
        boolean integral = javaType == Integer.class || javaType == Long.class || javaType == Short.class
                || javaType == Byte.class || javaType == java.math.BigInteger.class
                || javaType == int.class || javaType == long.class || javaType == short.class || javaType == byte.class;
        return integral || numericOnTheShard(argument) ? numericSum(argument) : sum(argument, null);
    }

    /** Whether PostgreSQL computes {@code argument} as a numeric ({@code a.score * 0.1}: a decimal literal is one). */
    private static boolean numericOnTheShard(SqmExpression<?> argument) {
        return PostMergeTranslator.pgType(argument) == PostMergeTranslator.PgType.NUMERIC;
    }

    /** {@code sum(argument)} read as a BigDecimal: exact, whatever JPQL types the sum. */
    private SqmExpression<?> numericSum(SqmExpression<?> argument) {
        return sum(argument, ((SqmCriteriaNodeBuilder) cb).getTypeConfiguration().getBasicTypeForJavaType(BigDecimal.class));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private SqmExpression<?> sum(SqmExpression<?> argument, ReturnableType type) {
        SqmCriteriaNodeBuilder nodes = (SqmCriteriaNodeBuilder) cb;
        return nodes.getQueryEngine().getSqmFunctionRegistry().findFunctionDescriptor("sum")
                .generateSqmExpression(argument, type, nodes.getQueryEngine());
    }

    List<SqmExpression<?>> distinctArguments() {
        return distinctArguments;
    }

    List<SqmExpression<?>> partials() {
        return partials;
    }

    /** The merged aggregates, reading the per-shard row laid out as group keys, distinct arguments, partials. */
    List<MergeAggregate> placed(int groupKeys) {
        int base = groupKeys + distinctArguments.size();
        List<MergeAggregate> out = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            MergeAggregate.Kind kind = kinds.get(i);
            int[] cols = columns.get(i);
            out.add(kind == MergeAggregate.Kind.COUNT_DISTINCT
                    ? new MergeAggregate(kind, groupKeys + cols[0], -1)
                    : new MergeAggregate(kind, base + cols[0], cols[1] < 0 ? -1 : base + cols[1]));
        }
        return List.copyOf(out);
    }
}
