package io.github.shardingorm.internal.query.merge;

import jakarta.persistence.Entity;
import jakarta.persistence.PersistenceUnitUtil;
import java.util.List;
import java.util.function.UnaryOperator;
import org.hibernate.Hibernate;

/** The DISTINCT/GROUP BY identity of a merged value: an entity by its class and id, anything else itself. */
public final class EntityIdentity implements UnaryOperator<Object> {

    private final PersistenceUnitUtil units;

    public EntityIdentity(PersistenceUnitUtil units) {
        this.units = units;
    }

    @Override
    public Object apply(Object v) {
        Class<?> type = Hibernate.getClass(v);
        if (type.isAnnotationPresent(Entity.class)) {
            return List.of(type, units.getIdentifier(v));
        }
        return v;
    }
}
