package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.query.value.SqlValues;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;

/**
 * One aggregate of the original query and how its per-shard partials combine: COUNT partials are
 * summed, SUM partials added (null when every partial is null), MIN/MAX compared, AVG computed as
 * the merged SUM over the merged COUNT (never an average of averages), and COUNT(DISTINCT x)
 * counted over the distinct non-null x values every shard reported.
 *
 * @param kind        the aggregate
 * @param column      the per-shard column of the partial (SUM for AVG; the distinct value for COUNT_DISTINCT)
 * @param countColumn the per-shard COUNT column of an AVG, else -1
 */
public record MergeAggregate(Kind kind, int column, int countColumn) {

    public enum Kind { COUNT, SUM, MIN, MAX, AVG, COUNT_DISTINCT }

    /** A running merge of one aggregate within one group. */
    public final class State {
        private Object value;
        private long count;
        private Set<Object> distinct;

        public void accept(Object[] row, Comparator<String> text) {
            Object v = row[column];
            switch (kind) {
                case COUNT -> count += v == null ? 0 : ((Number) v).longValue();
                case SUM -> value = v == null ? value : value == null ? v : SqlValues.add(value, v);
                case MIN -> value = v == null ? value : value == null || SqlValues.compare(v, value, text) < 0 ? v : value;
                case MAX -> value = v == null ? value : value == null || SqlValues.compare(v, value, text) > 0 ? v : value;
                case AVG -> {
                    value = v == null ? value : value == null ? v : SqlValues.add(value, v);
                    Object c = row[countColumn];
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
            return switch (kind) {
                case COUNT -> count;
                case COUNT_DISTINCT -> (long) (distinct == null ? 0 : distinct.size());
                case AVG -> count == 0 || value == null ? null
                        : SqlValues.decimal((Number) value).divide(java.math.BigDecimal.valueOf(count), java.math.MathContext.DECIMAL64).doubleValue();
                default -> value;
            };
        }
    }

    public State newState() {
        return new State();
    }
}
