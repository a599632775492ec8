package io.github.shardingorm;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the attribute whose value decides which shard holds an entity.
 *
 * <p>Exactly one basic attribute per entity (a field, or a getter when the entity uses property
 * access) carries it. Supported types: {@code long}, {@code int}, {@code short}, {@code byte} and
 * their wrappers (all routed as the same 64-bit integer, so an {@code int} 42 and a {@code long}
 * 42 land on the same shard), {@link String} and {@link java.util.UUID}.
 *
 * <p>Co-location: a child entity holds its parent's key value in its own {@code @ShardKey}
 * attribute (a {@code Post} carries its author's id as {@code authorId}) and so lives on its
 * parent's shard, where the two can be joined and written in one local transaction.
 *
 * <p>The key of a persistent entity never changes: a flush that would change it throws
 * {@link ShardRoutingException} (the row would be stranded on the wrong shard).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface ShardKey {
}
