package io.github.shardingorm.internal.query.plan;

/**
 * One aggregate of the original query and where its per-shard partials are: COUNT partials are
 * summed, SUM partials added (null when every partial is null), MIN/MAX compared, AVG computed as
 * the merged SUM over the merged COUNT (never an average of averages), and COUNT(DISTINCT x)
 * counted over the distinct non-null x values every shard reported ({@code merge.AggregateState}).
 *
 * @param kind        the aggregate
 * @param column      the per-shard column of the partial (SUM for AVG; the distinct value for COUNT_DISTINCT)
 * @param countColumn the per-shard COUNT column of an AVG, else -1
 */
public record MergeAggregate(Kind kind, int column, int countColumn) {

    public enum Kind { COUNT, SUM, MIN, MAX, AVG, COUNT_DISTINCT }
}
