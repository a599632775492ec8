package io.github.shardingorm.internal.query.plan;

import java.util.LinkedHashSet;
import java.util.Set;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.expression.SqmParameter;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;

/**
 * The analysis of one query, independent of parameter values (cached per query string and result
 * type): where it may run ({@link Routing}), what each shard is asked and how the shards' rows
 * merge ({@link SelectShape}). Built by {@link SqmQueryAnalyzer} with {@link #ofSelect} and
 * {@link #ofMutation}.
 *
 * @param hql             the query as given (for a criteria query: Hibernate's rendering, for messages only)
 * @param routing         where it may run
 * @param parameters      the parameters it declares
 * @param fanOutRejection why the query cannot run on several shards, or null when it can; on one shard it may still run
 * @param select          the select shape; null for UPDATE/DELETE
 * @param criteria        the criteria query as given, run as is (copied) on one shard; null for HQL
 */
public record QueryPlan(String hql, Routing routing, DeclaredParameters parameters, String fanOutRejection, SelectShape select,
                        SqmSelectStatement<?> criteria) {

    /** A select; {@code fanOutRejection} is null when its merge is exact on any number of shards. */
    public static QueryPlan ofSelect(String hql, Routing routing, DeclaredParameters parameters, SelectShape select, String fanOutRejection) {
        return new QueryPlan(hql, routing, parameters, fanOutRejection, select, null);
    }

    /** An UPDATE or DELETE: it runs as written on every shard its routing allows. */
    public static QueryPlan ofMutation(String hql, Routing routing, DeclaredParameters parameters) {
        return new QueryPlan(hql, routing, parameters, null, null, null);
    }

    /** This plan, for the criteria query {@code asWritten} (the analysis' own copy, never changed). */
    public QueryPlan forCriteria(SqmSelectStatement<?> asWritten) {
        return new QueryPlan(hql, routing, parameters, fanOutRejection, select, asWritten);
    }

    public boolean isMutation() {
        return select == null;
    }

    /**
     * Where a statement may run, before its parameters are bound.
     *
     * @param sharded whether it touches a sharded entity; when not (reference data only), any one shard answers
     * @param keys    the key constraints of its WHERE clause, or null when there are none
     */
    public record Routing(boolean sharded, ShardPredicate keys) {

        /** Reads or writes no sharded entity: every shard holds the same rows. */
        public static Routing referenceOnly() {
            return new Routing(false, null);
        }

        /** Touches sharded entities; {@code keys} (null: unconstrained) prunes the shards once the parameters are bound. */
        public static Routing sharded(ShardPredicate keys) {
            return new Routing(true, keys);
        }
    }

    /** The named and positional parameters a statement declares; each must be bound before it runs. */
    public record DeclaredParameters(Set<String> names, Set<Integer> positions) {

        public DeclaredParameters {
            names = Set.copyOf(names);
            positions = Set.copyOf(positions);
        }

        static DeclaredParameters of(SqmStatement<?> statement) {
            Set<String> names = new LinkedHashSet<>();
            Set<Integer> positions = new LinkedHashSet<>();
            for (SqmParameter<?> p : statement.getSqmParameters()) {
                if (p.getName() != null) {
                    names.add(p.getName());
                } else if (p.getPosition() != null) {
                    positions.add(p.getPosition());
                }
            }
            return new DeclaredParameters(names, positions);
        }
    }
}
