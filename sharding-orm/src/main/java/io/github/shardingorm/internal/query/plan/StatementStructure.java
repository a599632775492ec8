package io.github.shardingorm.internal.query.plan;

import java.util.ArrayList;
import java.util.List;
import org.hibernate.query.sqm.spi.BaseSemanticQueryWalker;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.expression.SqmAliasedNodeRef;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.expression.SqmOver;
import org.hibernate.query.sqm.tree.select.SqmQuerySpec;
import org.hibernate.query.sqm.tree.select.SqmSortSpecification;

/** Walks a whole statement: every query spec (main and subqueries) and whether it uses window functions. */
final class StatementStructure extends BaseSemanticQueryWalker {

    private final List<SqmQuerySpec<?>> specs = new ArrayList<>();
    private boolean window;

    /** @throws RuntimeException from Hibernate's walker when the tree holds a construct it cannot visit */
    static StatementStructure of(SqmStatement<?> statement) {
        StatementStructure structure = new StatementStructure();
        statement.accept(structure);
        return structure;
    }

    List<SqmQuerySpec<?>> specs() {
        return specs;
    }

    boolean window() {
        return window;
    }

    @Override
    public Object visitQuerySpec(SqmQuerySpec<?> querySpec) {
        specs.add(querySpec);
        return super.visitQuerySpec(querySpec);
    }

    @Override
    public Object visitOver(SqmOver<?> over) {
        window = true;
        return super.visitOver(over);
    }

    @Override
    public Object visitGroupByClause(List<SqmExpression<?>> expressions) {
        if (expressions != null) {
            expressions.stream().filter(e -> !(e instanceof SqmAliasedNodeRef)).forEach(e -> e.accept(this));
        }
        return expressions;
    }

    @Override
    public Object visitSortSpecification(SqmSortSpecification sortSpecification) {
        if (!(sortSpecification.getSortExpression() instanceof SqmAliasedNodeRef)) {
            sortSpecification.getSortExpression().accept(this);
        }
        return sortSpecification;
    }
}
