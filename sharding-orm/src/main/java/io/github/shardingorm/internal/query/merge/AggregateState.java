package io.github.shardingorm.internal.query.merge;

import io.github.shardingorm.internal.query.plan.MergeAggregate;
import io.github.shardingorm.internal.query.value.PgNumeric;
import io.github.shardingorm.internal.query.value.SqlValues;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;

/**
 * The running merge of one aggregate within one group, fed the per-shard partial rows: COUNT
 * partials summed, SUM partials added (null when every partial is null), MIN/MAX compared, AVG as
 * the merged SUM over the merged COUNT (a numeric, as in PostgreSQL, unless the argument is
 * floating), COUNT(DISTINCT x) over the distinct non-null values. This is where the types of
 * merged aggregates are decided.
 */
public final class AggregateState {

    private final MergeAggregate aggregate;
    private Object value;
    private long count;
    private Set<Object> distinct;

    public AggregateState(MergeAggregate aggregate) {
        this.aggregate = aggregate;
    }

    public void accept(Object[] row, Comparator<String> text) {
        try {
            add(row, text);
        } catch (ArithmeticException overflow) {
            throw new ArithmeticException("the merged " + aggregate.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " of the shards' partial sums is out of range for bigint (the JPQL type of the sum is Long)");
        }
    }

    private void add(Object[] row, Comparator<String> text) {
        Object v = row[aggregate.column()];
        switch (aggregate.kind()) {
            case COUNT -> count += v == null ? 0 : ((Number) v).longValue();
            case SUM -> value = v == null ? value : value == null ? v : SqlValues.add(value, v);
            case MIN -> value = v == null ? value : value == null || SqlValues.compare(v, value, text) < 0 ? v : value;
            case MAX -> value = v == null ? value : value == null || SqlValues.compare(v, value, text) > 0 ? v : value;
            case AVG -> {
                value = v == null ? value : value == null ? v : SqlValues.add(value, v);
                Object c = row[aggregate.countColumn()];
                count += c == null ? 0 : ((Number) c).longValue();
            }
            default -> {
                if (v != null) {
                    if (distinct == null) {
                        distinct = new HashSet<>();
                    }
                    distinct.add(v);
                }
            }
        }
    }

    public Object result() {
        return switch (aggregate.kind()) {
            case COUNT -> count;
            case COUNT_DISTINCT -> (long) (distinct == null ? 0 : distinct.size());
            case AVG -> count == 0 || value == null ? null : average((Number) value, count);
            default -> value;
        };
    }

    /**
     * The merged AVG as PostgreSQL computes it over all rows: of a floating argument a double
     * precision (the double sum over the count), otherwise a numeric, the exact sum divided by the
     * count with PostgreSQL's numeric scale ({@link PgNumeric#divide}). The numeric stays a
     * BigDecimal through HAVING, ORDER BY and DISTINCT, which must see the value PostgreSQL
     * compares; the caller gets JPQL's Double ({@code SelectShape.Projection#doubles}).
     */
    private static Number average(Number sum, long count) {
        if (SqlValues.isFloating(sum)) {
            return sum.doubleValue() / count;
        }
        return PgNumeric.divide(SqlValues.decimal(sum), BigDecimal.valueOf(count));
    }
}
