package io.github.shardingorm.internal.hibernate;

import java.io.Serial;
import org.hibernate.HibernateException;
import org.hibernate.context.spi.CurrentSessionContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SessionImplementor;

/**
 * {@code getCurrentSession()} of a sharded unit (Hibernate instantiates it by class name): the
 * session of the thread's innermost {@link ShardContext} frame, i.e. a bound scope's session or the
 * session of the running {@code inTransaction} work. Outside both, a clear error.
 */
public final class ShardCurrentSessionContext implements CurrentSessionContext {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SessionFactoryImplementor factory;

    public ShardCurrentSessionContext(SessionFactoryImplementor factory) {
        this.factory = factory;
    }

    @Override
    public SessionImplementor currentSession() throws HibernateException {
        if (!(factory.getCurrentTenantIdentifierResolver() instanceof ShardTenantResolver resolver)) {
            throw new HibernateException("sharding-orm's current-session context needs sharding-orm's tenant resolver");
        }
        org.hibernate.Session session = resolver.context().currentSession();
        if (session == null) {
            throw new HibernateException("No current session: getCurrentSession() of a sharded unit needs a shard bound to this"
                    + " thread: use try (ShardScope s = orm.bind(key)) { ... } or orm.inTransaction(key, session -> ...)");
        }
        return (SessionImplementor) session;
    }
}
