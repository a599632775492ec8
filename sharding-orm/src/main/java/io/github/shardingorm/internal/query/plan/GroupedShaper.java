package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.ValueRef;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.query.sqm.tree.expression.SqmAliasedNodeRef;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmSummarization;
import org.hibernate.query.sqm.tree.from.SqmFrom;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;
import org.hibernate.query.sqm.tree.select.SqmSelectableNode;
import org.hibernate.query.sqm.tree.select.SqmSortSpecification;

/**
 * The grouped rewrite (aggregates, GROUP BY or HAVING): each shard is asked, grouped by the group
 * keys and the arguments of COUNT(DISTINCT ...), for those columns and the partial aggregates
 * ({@link AggregateRewrite}), with no HAVING and no ORDER BY; HAVING, the select list and ORDER BY
 * are evaluated after the merge ({@link PostMergeTranslator}). Without GROUP BY the query is
 * global: one output row, even over no rows at all.
 */
final class GroupedShaper {

    private final Analysis analysis;
    private final SqmSelectStatement<?> statement;
    private final SqmQuerySpec<?> spec;
    private final List<SqmSelectableNode<?>> columns;
    private final Class<?> instantiation;
    private final List<SqmExpression<?>> groupBy = new ArrayList<>();
    private final AggregateRewrite aggregates;
    private final PostMergeTranslator post;

    GroupedShaper(Analysis analysis, SqmSelectStatement<?> statement, SqmQuerySpec<?> spec, List<SqmSelectableNode<?>> columns,
                  Class<?> instantiation) {
        this.analysis = analysis;
        this.statement = statement;
        this.spec = spec;
        this.columns = columns;
        this.instantiation = instantiation;
        this.aggregates = new AggregateRewrite(analysis, spec.nodeBuilder());
        this.post = new PostMergeTranslator(analysis, groupBy, aggregates);
    }

    /** The JPQL Java type of each visible column when it is a number type, else Object ({@link SelectShape.Projection#numbers}). */
    private static List<Class<?>> numberTypes(List<SqmSelectableNode<?>> columns, int visible) {
        List<Class<?>> out = new ArrayList<>();
        for (int i = 0; i < visible; i++) {
            Class<?> type = columns.get(i).getJavaType();
            out.add(SelectShaper.numberType(type) ? type : Object.class);
        }
        return out;
    }

    SelectShape shape(SelectShape.QueryWindow window) {
        boolean distinctQuery = spec.getSelectClause().isDistinct();
        for (SqmExpression<?> g : spec.getGroupByClauseExpressions()) {
            SqmExpression<?> e = g;
            if (g instanceof SqmAliasedNodeRef ref) {
                if (!(columns.get(ref.getPosition() - 1) instanceof SqmExpression<?> x)) {
                    throw analysis.unsupported("GROUP BY position " + ref.getPosition(), "not an expression");
                }
                e = x;
            }
            if (e instanceof SqmSummarization<?>) {
                analysis.rejectFanOut("GROUP BY ROLLUP/CUBE", "summarization rows are not merged");
            }
            if (e instanceof SqmFrom<?, ?>) {
                analysis.rejectFanOut("GROUP BY an entity", "group by its id or attributes instead");
            }
            groupBy.add(e);
        }
        List<PostExpr> output = new ArrayList<>();
        for (SqmSelectableNode<?> c : columns) {
            if (!(c instanceof SqmExpression<?> e)) {
                analysis.rejectFanOut("selection " + analysis.render(c), "not an expression");
                output.add(new PostExpr.Constant(new ValueRef.Literal(null)));
                continue;
            }
            if (e instanceof SqmFrom<?, ?>) {
                analysis.rejectFanOut("entity " + analysis.render(e) + " in a grouped query", "select its attributes instead");
            }
            output.add(post.expression(e));
        }
        int visible = output.size();
        PostExpr having = spec.getHavingClausePredicate() == null ? null : post.predicate(spec.getHavingClausePredicate());
        List<SortKey> order = new ArrayList<>();
        for (SqmSortSpecification s : spec.getSortSpecifications()) {
            SqmExpression<?> e = s.getSortExpression();
            int column;
            if (e instanceof SqmAliasedNodeRef ref) {
                column = ref.getPosition() - 1;
            } else {
                SelectShaper.checkSortable(analysis, e);
                column = columns.indexOf(e);
                if (column < 0) {
                    column = output.size();
                    output.add(post.expression(e));
                }
            }
            if (s.isIgnoreCase()) {
                analysis.rejectFanOut("ORDER BY ... ignore case", "order by lower(...) instead");
            }
            order.add(SelectShaper.sortKey(s, column));
        }
        // Per-shard layout: group keys, distinct arguments, then partial aggregates and carried expressions.
        int base = groupBy.size() + aggregates.distinctArguments().size();
        List<SqmExpression<?>> select = new ArrayList<>(groupBy);
        select.addAll(aggregates.distinctArguments());
        select.addAll(aggregates.partials());
        List<MergeAggregate> merged = aggregates.placed(groupBy.size());
        List<PostExpr> relocated = new ArrayList<>();
        for (PostExpr e : output) {
            relocated.add(PostMergeTranslator.relocate(e, base));
        }
        PostExpr relocatedHaving = having == null ? null : PostMergeTranslator.relocate(having, base);
        List<SqmExpression<?>> shardGroupBy = new ArrayList<>(groupBy);
        shardGroupBy.addAll(aggregates.distinctArguments());
        SelectShaper.setSelections(spec, false, select);
        spec.setGroupByClauseExpressions(shardGroupBy);
        spec.setHavingClausePredicate(null);
        spec.setOrderByClause(null);
        return SelectShape.ofGrouped(statement, select.size(), new SelectShape.Projection(visible, distinctQuery, instantiation,
                        SelectShaper.doubles(columns, visible), numberTypes(columns, visible)), order, window,
                new SelectShape.Grouping(groupBy.size(), merged, relocated, relocatedHaving));
    }
}
