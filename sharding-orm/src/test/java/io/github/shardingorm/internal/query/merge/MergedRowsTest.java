package io.github.shardingorm.internal.query.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.internal.query.plan.MergeAggregate;
import io.github.shardingorm.internal.query.plan.PostExpr;
import io.github.shardingorm.internal.query.plan.SortKey;
import io.github.shardingorm.internal.query.value.Parameters;
import io.github.shardingorm.internal.query.value.SqlValues;
import io.github.shardingorm.internal.query.value.ValueRef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The merge step without a database: k-way merge, PostgreSQL null ordering, DISTINCT, windows, aggregates. */
class MergedRowsTest {

    private static Iterator<Object[]> rows(Object... firstColumn) {
        List<Object[]> out = new ArrayList<>();
        for (Object v : firstColumn) {
            out.add(new Object[] {v});
        }
        return out.iterator();
    }

    private static List<Object> firstColumn(Iterator<Object[]> it) {
        List<Object> out = new ArrayList<>();
        it.forEachRemaining(r -> out.add(r[0]));
        return out;
    }

    @Test
    void kWayMergeKeepsPostgresNullsLastForAscAndFirstForDesc() {
        var asc = RowOrder.of(List.of(SortKey.of(0, false, null)), TextOrder.CODE_POINT);
        assertEquals(Arrays.asList(1L, 2, 3L, 5L, null, null),
                firstColumn(MergedRows.ordered(List.of(rows(1L, 5L, null), rows(2, 3L, null)), asc)));
        var desc = RowOrder.of(List.of(SortKey.of(0, true, null)), TextOrder.CODE_POINT);
        assertEquals(Arrays.asList(null, null, 5L, 3L, 2, 1L),
                firstColumn(MergedRows.ordered(List.of(rows(null, 5L, 1L), rows(null, 3L, 2)), desc)));
        var explicit = RowOrder.of(List.of(SortKey.of(0, false, true)), TextOrder.CODE_POINT);
        assertEquals(Arrays.asList(null, 1L, 2L), firstColumn(MergedRows.ordered(List.of(rows(1L, 2L), rows((Object) null)), explicit)));
    }

    @Test
    void mergeReadsOneRowPerSourceAtATime() {
        int[] pulled = new int[2];
        List<Iterator<Object[]>> sources = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            int source = s;
            sources.add(new Iterator<>() {
                long next = source;

                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public Object[] next() {
                    pulled[source]++;
                    long v = next;
                    next += 2;
                    return new Object[] {v};
                }
            });
        }
        Iterator<Object[]> merged = MergedRows.ordered(sources, RowOrder.of(List.of(SortKey.of(0, false, null)), TextOrder.CODE_POINT));
        for (long expected = 0; expected < 1000; expected++) {
            assertEquals(expected, merged.next()[0]);
        }
        assertTrue(pulled[0] <= 501 && pulled[1] <= 501, Arrays.toString(pulled));
    }

    @Test
    void distinctForgetsRowsAtEveryNewTieGroup() {
        var order = RowOrder.of(List.of(SortKey.of(0, false, null)), TextOrder.CODE_POINT);
        Iterator<Object[]> merged = MergedRows.ordered(List.of(rows("a", "b", "b"), rows("a", "b", "c")), order);
        assertEquals(List.of("a", "b", "c"), firstColumn(MergedRows.distinct(merged, 1, order, null)));
        assertEquals(List.of(new BigDecimal("1.0")), firstColumn(MergedRows.distinct(rows(new BigDecimal("1.0"), new BigDecimal("1.00"), new BigDecimal("1")), 1, null, null)));
    }

    @Test
    void windowSkipsThenLimits() {
        assertEquals(List.of(3L, 4L), firstColumn(MergedRows.window(rows(1L, 2L, 3L, 4L, 5L), 2, 2)));
        assertEquals(List.of(), firstColumn(MergedRows.window(rows(1L, 2L), 5, -1)));
    }

    @Test
    void textAndUuidsCompareLikePostgres() {
        assertTrue(SqlValues.compare("Z", "a", TextOrder.CODE_POINT) < 0, "C collation: upper case first");
        assertTrue(SqlValues.compare("\uFFFF", "\uD83D\uDE00", TextOrder.CODE_POINT) < 0, "code points, not UTF-16 units");
        UUID low = new UUID(0x7FFFFFFFFFFFFFFFL, 0);
        UUID high = new UUID(0x8000000000000000L, 0);
        assertTrue(SqlValues.compare(low, high, TextOrder.CODE_POINT) < 0, "uuid compares as unsigned bytes");
        assertEquals(0, SqlValues.compare(2, new BigDecimal("2.00"), TextOrder.CODE_POINT));
        assertTrue(SqlValues.compare(Double.NaN, 1e300, TextOrder.CODE_POINT) > 0, "NaN sorts last, as in PostgreSQL");
        // psql: 116666666.666666666667::numeric = 116666666.66666667::float8 and 9007199254740993::int8 = 9007199254740992::float8
        assertEquals(0, SqlValues.compare(new BigDecimal("116666666.666666666667"), 116666666.66666667, TextOrder.CODE_POINT),
                "a numeric compares with a double precision as double precision");
        assertEquals(0, SqlValues.compare(9007199254740993L, 9007199254740992.0, TextOrder.CODE_POINT));
    }

    @Test
    void averageIsTheMergedSumOverTheMergedCountNeverAnAverageOfAverages() {
        MergeAggregate avg = new MergeAggregate(MergeAggregate.Kind.AVG, 0, 1);
        AggregateState state = new AggregateState(avg);
        state.accept(new Object[] {10L, 1L}, TextOrder.CODE_POINT);  // shard A: one row of 10
        state.accept(new Object[] {20L, 9L}, TextOrder.CODE_POINT);  // shard B: nine rows summing to 20
        assertEquals(new BigDecimal("3.0000000000000000"), state.result(), "a numeric, as PostgreSQL's avg (30::numeric / 10)");
        AggregateState floating = new AggregateState(avg);
        floating.accept(new Object[] {1.5, 1L}, TextOrder.CODE_POINT);
        floating.accept(new Object[] {3.0, 2L}, TextOrder.CODE_POINT);
        assertEquals(1.5, floating.result(), "of a floating argument a double precision");
        AggregateState empty = new AggregateState(avg);
        empty.accept(new Object[] {null, 0L}, TextOrder.CODE_POINT);
        assertEquals(null, empty.result());
    }

    @Test
    void countDistinctCountsValuesAcrossShardsOnce() {
        AggregateState state = new AggregateState(new MergeAggregate(MergeAggregate.Kind.COUNT_DISTINCT, 0, -1));
        for (Object v : new Object[] {"x", "y", null, "x", "z", "y"}) {
            state.accept(new Object[] {v}, TextOrder.CODE_POINT);
        }
        assertEquals(3L, state.result());
    }

    @Test
    void sumMinMaxSkipNullsAndKeepTheirType() {
        AggregateState sum = new AggregateState(new MergeAggregate(MergeAggregate.Kind.SUM, 0, -1));
        AggregateState min = new AggregateState(new MergeAggregate(MergeAggregate.Kind.MIN, 0, -1));
        for (Object v : new Object[] {null, new BigDecimal("1.50"), new BigDecimal("2.25")}) {
            sum.accept(new Object[] {v}, TextOrder.CODE_POINT);
            min.accept(new Object[] {v}, TextOrder.CODE_POINT);
        }
        assertEquals(new BigDecimal("3.75"), sum.result());
        assertEquals(new BigDecimal("1.50"), min.result());
        AggregateState none = new AggregateState(new MergeAggregate(MergeAggregate.Kind.SUM, 0, -1));
        none.accept(new Object[] {null}, TextOrder.CODE_POINT);
        assertEquals(null, none.result());
    }

    @Test
    void havingUsesThreeValuedLogic() {
        PostExprEval.Group g = new PostExprEval.Group() {
            @Override
            public Object column(int index) {
                return null;
            }

            @Override
            public Object aggregate(int index) {
                return index == 0 ? 5L : null;
            }
        };
        PostExpr gt = new PostExpr.Compare(">", new PostExpr.Aggregate(0), new PostExpr.Constant(new ValueRef.Literal(3)));
        PostExpr unknown = new PostExpr.Compare(">", new PostExpr.Aggregate(1), new PostExpr.Constant(new ValueRef.Literal(3)));
        assertEquals(true, PostExprEval.eval(gt, g, Parameters.NONE, TextOrder.CODE_POINT));
        assertEquals(null, PostExprEval.eval(unknown, g, Parameters.NONE, TextOrder.CODE_POINT));
        assertEquals(true, PostExprEval.eval(new PostExpr.Junction(false, List.of(unknown, gt)), g, Parameters.NONE, TextOrder.CODE_POINT));
        assertEquals(null, PostExprEval.eval(new PostExpr.Not(unknown), g, Parameters.NONE, TextOrder.CODE_POINT));
        assertEquals(10L, PostExprEval.eval(new PostExpr.Arithmetic('*', new PostExpr.Aggregate(0), new PostExpr.Constant(new ValueRef.Literal(2))),
                g, Parameters.NONE, TextOrder.CODE_POINT));
    }
}
