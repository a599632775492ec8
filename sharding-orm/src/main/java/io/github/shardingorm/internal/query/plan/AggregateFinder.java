package io.github.shardingorm.internal.query.plan;

import org.hibernate.query.sqm.spi.BaseSemanticQueryWalker;
import org.hibernate.query.sqm.tree.SqmVisitableNode;
import org.hibernate.query.sqm.tree.expression.SqmAggregateFunction;
import org.hibernate.query.sqm.tree.expression.SqmFunction;
import org.hibernate.query.sqm.tree.expression.SqmOver;
import org.hibernate.query.sqm.tree.select.SqmSortSpecification;
import org.hibernate.query.sqm.tree.select.SqmSubQuery;

/** Finds group aggregates in expressions, not descending into subqueries, window functions or sort specifications. */
final class AggregateFinder extends BaseSemanticQueryWalker {

    private boolean found;
    private boolean average;

    static boolean containsAggregate(SqmVisitableNode node) {
        AggregateFinder finder = new AggregateFinder();
        finder.scan(node);
        return finder.found;
    }

    /** Whether the node holds an AVG (PostgreSQL computes it as a numeric unless its argument is floating). */
    static boolean containsAverage(SqmVisitableNode node) {
        AggregateFinder finder = new AggregateFinder();
        finder.scan(node);
        return finder.average;
    }

    /** Scans one more node; {@link #found()} tells whether any node scanned so far holds an aggregate. */
    void scan(SqmVisitableNode node) {
        node.accept(this);
    }

    boolean found() {
        return found;
    }

    @Override
    public Object visitFunction(SqmFunction<?> function) {
        if (function instanceof SqmAggregateFunction<?>) {
            found = true;
            average |= function.getFunctionName().equalsIgnoreCase("avg");
        }
        return super.visitFunction(function);
    }

    @Override
    public Object visitOver(SqmOver<?> over) {
        return over; // a window aggregate is not a group aggregate
    }

    @Override
    public Object visitSubQueryExpression(SqmSubQuery<?> expression) {
        return expression;
    }

    @Override
    public Object visitSortSpecification(SqmSortSpecification sortSpecification) {
        return sortSpecification;
    }
}
