package io.github.shardingorm.internal.query.plan;

import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import org.hibernate.query.sqm.tree.domain.SqmPath;
import org.hibernate.query.sqm.tree.expression.SqmExpression;
import org.hibernate.query.sqm.tree.from.SqmFrom;

/** Which sharded entity a FROM element is, and which one's shard key or routable id a path reads. */
final class ShardedPaths {

    private final ShardRouter router;

    ShardedPaths(ShardRouter router) {
        this.router = router;
    }

    /** The model of a sharded entity class, or null when {@code type} is not sharded (reference data, or not an entity). */
    ShardedEntityModel modelOrNull(Class<?> type) {
        return type == null ? null : router.modelOrNull(type);
    }

    /** The model of the entity {@code from} ranges over, or null when it is not sharded. */
    ShardedEntityModel modelOrNull(SqmFrom<?, ?> from) {
        Class<?> type;
        try {
            type = from.getReferencedPathSource().getBindableJavaType();
        } catch (RuntimeException e) {
            type = from.getJavaType();
        }
        return modelOrNull(type);
    }

    /**
     * The model of the sharded entity {@code from} ranges over, for a from-element already known to
     * be sharded (a key owner, or one collected as sharded); like {@code ShardRouter.model}, it throws
     * rather than return null.
     *
     * @throws IllegalStateException when {@code from} is not a sharded entity
     */
    ShardedEntityModel model(SqmFrom<?, ?> from) {
        ShardedEntityModel model = modelOrNull(from);
        if (model == null) {
            throw new IllegalStateException("not a sharded entity: " + from.getNavigablePath());
        }
        return model;
    }

    /** The sharded from-element whose shard key {@code e} is (a correlated one stands for its parent), or null. */
    SqmFrom<?, ?> keyOwner(SqmExpression<?> e) {
        if (e instanceof SqmPath<?> path && path.getLhs() instanceof SqmFrom<?, ?> from) {
            SqmFrom<?, ?> owner = from.isCorrelated() && from.getCorrelationParent() != null ? from.getCorrelationParent() : from;
            ShardedEntityModel model = modelOrNull(owner);
            if (model != null && model.keyAttribute().equals(path.getNavigablePath().getLocalName()) && !model.keyIsAssociation()) {
                return owner;
            }
        }
        // A key that is the parent association: b.author.id (the foreign key column) is the key.
        if (e instanceof SqmPath<?> path && path.getLhs() != null && path.getLhs().getLhs() instanceof SqmFrom<?, ?> from) {
            SqmPath<?> association = path.getLhs();
            SqmFrom<?, ?> owner = from.isCorrelated() && from.getCorrelationParent() != null ? from.getCorrelationParent() : from;
            ShardedEntityModel model = modelOrNull(owner);
            if (model != null && model.keyIsAssociation() && model.keyAttribute().equals(association.getNavigablePath().getLocalName())
                    && model.parentIdAttribute().equals(path.getNavigablePath().getLocalName())) {
                return owner;
            }
        }
        return null;
    }

    /**
     * Whether {@code join} (from {@code parent}) follows a shard-key association, so that the joined
     * rows share the key: {@code b.author} where Book's key is its author and Author's key is its id,
     * or the inverse {@code a.books} ({@code @OneToMany(mappedBy = "author")}).
     */
    boolean joinsAlongKey(SqmFrom<?, ?> parent, SqmFrom<?, ?> join) {
        ShardedEntityModel from = modelOrNull(parent);
        ShardedEntityModel to = modelOrNull(join);
        if (from == null || to == null) {
            return false;
        }
        String attribute = join.getNavigablePath().getLocalName();
        if (from.keyIsAssociation() && from.keyAttribute().equals(attribute)
                && to.idRouting() == ShardedEntityModel.IdRouting.ID_IS_KEY) {
            return true;
        }
        return to.keyIsAssociation() && from.idRouting() == ShardedEntityModel.IdRouting.ID_IS_KEY
                && to.keyAttribute().equals(mappedBy(from.entityClass(), attribute));
    }

    private static String mappedBy(Class<?> type, String attribute) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.getName().equals(attribute)) {
                    jakarta.persistence.OneToMany many = f.getAnnotation(jakarta.persistence.OneToMany.class);
                    jakarta.persistence.OneToOne one = f.getAnnotation(jakarta.persistence.OneToOne.class);
                    return many != null ? many.mappedBy() : one != null ? one.mappedBy() : null;
                }
            }
        }
        return null;
    }

    /** The sharded from-element whose id (routable alone) {@code e} is, or null. */
    SqmFrom<?, ?> routableIdOwner(SqmExpression<?> e) {
        if (e instanceof SqmPath<?> path && path.getLhs() instanceof SqmFrom<?, ?> from) {
            ShardedEntityModel model = modelOrNull(from);
            if (model != null && model.idRouting() == ShardedEntityModel.IdRouting.SHARD_AWARE_ID
                    && model.idAttribute() != null && model.idAttribute().equals(path.getNavigablePath().getLocalName())) {
                return from;
            }
        }
        return null;
    }
}
