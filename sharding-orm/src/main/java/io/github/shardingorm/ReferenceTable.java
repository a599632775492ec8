package io.github.shardingorm;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a small entity (countries, plans, currencies) whose table is copied to EVERY shard. It
 * has no {@link ShardKey}. Reads are served by whichever shard the session is on, so a reference
 * table can be joined in any routed query. Writes go through {@link ShardedPersistence#references()},
 * which applies them to every shard: atomically with two-phase commit when every shard allows it
 * ({@code max_prepared_transactions > 0}), otherwise as a saga retried until every shard has it.
 * A persist, merge, update or remove of a reference entity in an ordinary (keyed) session is
 * refused, because it would change one shard only.
 *
 * <p>Attributes of a reference entity should be basic values (no associations to sharded entities).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ReferenceTable {
}
