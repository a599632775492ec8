package io.github.shardingorm;

import io.github.shardingorm.internal.id.ShardAwareIdGenerator;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.hibernate.annotations.IdGeneratorType;

/**
 * Generates a shard-aware 64-bit identifier: the id carries the bucket of the entity's
 * {@link ShardKey}, so {@code findById(id)} routes to the right shard with no key and no fan-out.
 *
 * <p>Put it on a {@code long}/{@code Long} {@code @Id} next to {@code @ShardKey} on another
 * attribute. The key must be set before the entity is persisted. The layout is described in
 * {@link ShardAwareId}. Needs a bucketed strategy (hash, consistent hash, weighted).
 *
 * <p>A deliberate cycle: this annotation names its generator (an internal class), and the
 * generator's entity scanner looks for this annotation. {@code @IdGeneratorType} requires it, and
 * Hibernate's own {@code @UuidGenerator} and its {@code UuidGenerator} have the same shape. It is
 * kept, and listed among the API's few allowed uses of internals (see {@code PackageRulesTest}).
 */
@Documented
@IdGeneratorType(ShardAwareIdGenerator.class)
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface ShardedId {
}
