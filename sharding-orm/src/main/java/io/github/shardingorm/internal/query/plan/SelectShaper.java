package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.ValueRef;
import jakarta.persistence.criteria.Nulls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hibernate.query.SortDirection;
import org.hibernate.query.common.FetchClauseType;
import org.hibernate.query.sqm.DynamicInstantiationNature;
import org.hibernate.query.sqm.tree.expression.SqmAliasedNodeRef;
import org.hibernate.query.sqm.tree.expression.SqmCollation;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.from.SqmFrom;
import org.hibernate.query.sqm.tree.select.SqmDynamicInstantiation;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;
import org.hibernate.query.sqm.tree.select.SqmSelectClause;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;
import org.hibernate.query.sqm.tree.select.SqmSelectableNode;
import org.hibernate.query.sqm.tree.select.SqmSelection;
import org.hibernate.query.sqm.tree.select.SqmSortSpecification;

/**
 * Turns a parsed select into the per-shard select, in place (the tree is this analysis' own), and
 * records how the shard rows merge. The query's own limit and offset are taken off the per-shard
 * select (the merge applies them). A plain query keeps its select list and appends the ORDER BY
 * expressions it does not select as hidden columns; so does a query grouped by a shard key (each
 * group on one shard); any other query with aggregates, GROUP BY or HAVING is handed to
 * {@link GroupedShaper}.
 */
final class SelectShaper {

    private final Analysis analysis;
    private final SqmSelectStatement<?> statement;
    private final SqmQuerySpec<?> spec;
    private final List<SqmSelectableNode<?>> columns = new ArrayList<>();
    private Class<?> instantiation;

    private final ShardedPaths paths;

    SelectShaper(Analysis analysis, SqmSelectStatement<?> statement, SqmQuerySpec<?> spec, ShardedPaths paths) {
        this.analysis = analysis;
        this.paths = paths;
        this.statement = statement;
        this.spec = spec;
    }

    SelectShape shape() {
        for (SqmSelection<?> selection : spec.getSelectClause().getSelections()) {
            SqmSelectableNode<?> node = selection.getSelectableNode();
            if (node instanceof SqmDynamicInstantiation<?> di) {
                if (di.getInstantiationTarget().getNature() != DynamicInstantiationNature.CLASS
                        || spec.getSelectClause().getSelections().size() != 1) {
                    analysis.rejectFanOut("select new " + di.getInstantiationTarget().getNature().name().toLowerCase(Locale.ROOT) + "(...)",
                            "only 'select new SomeClass(...)' as the only selection is merged");
                } else {
                    instantiation = di.getInstantiationTarget().getJavaType();
                }
                for (var arg : di.getArguments()) {
                    columns.add(arg.getSelectableNode());
                }
            } else {
                columns.add(node);
            }
        }
        ValueRef limit = null;
        ValueRef offset = null;
        if (spec.getFetchExpression() != null) {
            limit = ValueRefs.of(spec.getFetchExpression());
            if (limit == null || spec.getFetchClauseType() != FetchClauseType.ROWS_ONLY) {
                analysis.rejectFanOut("fetch " + spec.getFetchClauseType(), "only a plain row limit is merged");
            }
        }
        if (spec.getOffsetExpression() != null) {
            offset = ValueRefs.of(spec.getOffsetExpression());
            if (offset == null) {
                analysis.rejectFanOut("offset expression", "only a literal or parameter offset is merged");
            }
        }
        spec.setOffsetExpression(null);
        spec.setFetchExpression(null);
        AggregateFinder finder = new AggregateFinder();
        for (SqmSelectableNode<?> c : columns) {
            finder.scan(c);
        }
        if (spec.getHavingClausePredicate() != null) {
            finder.scan(spec.getHavingClausePredicate());
        }
        for (SqmSortSpecification s : spec.getSortSpecifications()) {
            if (!(s.getSortExpression() instanceof SqmAliasedNodeRef)) {
                finder.scan(s.getSortExpression());
            }
        }
        boolean grouped = !spec.getGroupByClauseExpressions().isEmpty() || finder.found() || spec.getHavingClausePredicate() != null;
        SelectShape.QueryWindow window = new SelectShape.QueryWindow(limit, offset);
        if (grouped && groupsLiveOnOneShard()) {
            return plain(window); // each shard computes its groups completely: its rows are final, ordered and limited there
        }
        return grouped ? new GroupedShaper(analysis, statement, spec, columns, instantiation).shape(window) : plain(window);
    }

    /**
     * Whether the query groups by a shard key (the colocation check has tied every sharded entity
     * of the query to one key): then every group lives on one shard, and each shard's rows (its
     * aggregates, its HAVING) are final. The shards then run the query as written, ORDER BY and
     * LIMIT offset+limit included, and the merge is a plain ordered merge: a GROUP BY on the key
     * ORDER BY count LIMIT 10 fetches 10 rows per shard, not every group.
     */
    private boolean groupsLiveOnOneShard() {
        for (SqmExpression<?> group : spec.getGroupByClauseExpressions()) {
            if (paths.keyOwner(group) != null) {
                return true;
            }
        }
        return false;
    }

    private SelectShape plain(SelectShape.QueryWindow window) {
        List<SqmSelectableNode<?>> shardColumns = new ArrayList<>(columns);
        int visible = shardColumns.size();
        List<SortKey> order = new ArrayList<>();
        List<SqmSortSpecification> shardOrder = new ArrayList<>();
        boolean distinct = spec.getSelectClause().isDistinct();
        for (SqmSortSpecification s : spec.getSortSpecifications()) {
            SqmExpression<?> e = s.getSortExpression();
            int column;
            if (e instanceof SqmAliasedNodeRef ref) {
                if (instantiation != null) {
                    analysis.rejectFanOut("ORDER BY position with select new", "order by the expression instead");
                }
                column = ref.getPosition() - 1;
                // the per-shard select list loses its aliases: order by the selected expression itself
                if (column >= 0 && column < shardColumns.size() && shardColumns.get(column) instanceof SqmExpression<?> selected
                        && !(selected instanceof SqmFrom<?, ?>)) {
                    s = new SqmSortSpecification(selected, s.getSortDirection(), s.getNullPrecedence(), s.isIgnoreCase());
                }
            } else {
                checkSortable(analysis, e);
                column = shardColumns.indexOf(e);
                if (column < 0 || column >= visible) {
                    if (distinct) {
                        analysis.rejectFanOut("ORDER BY " + analysis.render(e) + " not in the select list of a DISTINCT query", "select it too");
                    }
                    if (column < 0) {
                        column = shardColumns.size();
                        shardColumns.add(e);
                    }
                }
            }
            if (column >= 0 && column < shardColumns.size() && shardColumns.get(column) instanceof SqmFrom<?, ?>) {
                analysis.rejectFanOut("ORDER BY an entity", "order by its attributes (e.g. the id) instead");
            }
            if (s.isIgnoreCase()) {
                analysis.rejectFanOut("ORDER BY ... ignore case", "order by lower(...) instead");
            }
            order.add(sortKey(s, column));
            shardOrder.add(s);
        }
        if (spec.getOrderByClause() != null) {
            spec.getOrderByClause().setSortSpecifications(shardOrder);
        }
        List<Integer> numericText = averagesAsNumericText(shardColumns, order);
        setSelections(spec, distinct, shardColumns);
        List<Integer> doubles = numericText.stream().filter(c -> c < visible && isDouble(columns.get(c).getJavaType())).toList();
        List<Class<?>> numbers = new ArrayList<>();
        for (int c = 0; c < visible; c++) {
            Class<?> type = columns.get(c).getJavaType();
            numbers.add(numericText.contains(c) && type != null ? type : Object.class); // the numeric text read back, as JPQL types it
        }
        return SelectShape.ofPlain(statement, shardColumns.size(), new SelectShape.Projection(visible, distinct, instantiation, doubles,
                numbers), order, window, numericText);
    }

    /**
     * The sort columns holding an AVG (grouped by a shard key, each shard computes its groups'
     * averages), or any other expression JPQL types Double that PostgreSQL computes as a numeric
     * ({@code sum(x) * 1.0}, {@code count(a) / 3.0}: a decimal literal is a numeric there), or as
     * Long ({@code sum(bigint) / 7}, read truncated):
     * PostgreSQL orders them as numerics, which Hibernate reads as Doubles, and
     * different numerics can be one double (116666666.666666666667 and 116666666.66666667), so the
     * k-way merge would tie what each shard ordered. Such a column is asked as the numeric's text
     * instead (exact, read back as a BigDecimal, handed out as Double); the shards' ORDER BY stays
     * the expression itself.
     */
    private static List<Integer> averagesAsNumericText(List<SqmSelectableNode<?>> shardColumns, List<SortKey> order) {
        List<Integer> out = new ArrayList<>();
        for (SortKey key : order) {
            int c = key.column();
            if (c >= 0 && c < shardColumns.size() && !out.contains(c) && shardColumns.get(c) instanceof SqmExpression<?> e
                    && ((isDouble(e.getJavaType()) && AggregateFinder.containsAverage(e))
                    || (PostMergeTranslator.pgType(e) == PostMergeTranslator.PgType.NUMERIC && numberType(e.getJavaType())
                    && e.getJavaType() != java.math.BigDecimal.class))) {
                shardColumns.set(c, e.cast(String.class)); // a cast, not as(): as() only retypes the node
                out.add(c);
            }
        }
        return out;
    }

    /** Whether JPQL hands a column of this Java type out as a number. */
    static boolean numberType(Class<?> type) {
        return type != null && (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class && type != char.class));
    }

    private static boolean isDouble(Class<?> type) {
        return type == Double.class || type == double.class;
    }

    /** The visible columns JPQL types Double ({@link SelectShape.Projection#doubles}). */
    static List<Integer> doubles(List<SqmSelectableNode<?>> columns, int visible) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < visible; i++) {
            if (isDouble(columns.get(i).getJavaType())) {
                out.add(i);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------- shared with GroupedShaper

    /** Replaces the select list of the per-shard select. */
    static void setSelections(SqmQuerySpec<?> spec, boolean distinct, List<? extends SqmSelectableNode<?>> nodes) {
        SqmSelectClause clause = new SqmSelectClause(distinct, nodes.size(), spec.nodeBuilder());
        for (SqmSelectableNode<?> node : nodes) {
            clause.addSelection(selection(spec, node));
        }
        spec.setSelectClause(clause);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static SqmSelection<?> selection(SqmQuerySpec<?> spec, SqmSelectableNode<?> node) {
        return new SqmSelection(node, null, spec.nodeBuilder());
    }

    static SortKey sortKey(SqmSortSpecification s, int column) {
        boolean desc = s.getSortDirection() == SortDirection.DESCENDING;
        Boolean nullsFirst = s.getNullPrecedence() == Nulls.FIRST ? Boolean.TRUE : s.getNullPrecedence() == Nulls.LAST ? Boolean.FALSE : null;
        return SortKey.of(column, desc, nullsFirst);
    }

    static void checkSortable(Analysis analysis, SqmExpression<?> e) {
        if (e instanceof SqmCollation) {
            analysis.rejectFanOut("ORDER BY ... COLLATE", "the merge orders text by the shards' default collation only");
        }
        if (e instanceof SqmFrom<?, ?>) {
            analysis.rejectFanOut("ORDER BY an entity", "order by its attributes (e.g. the id) instead");
        }
    }
}
