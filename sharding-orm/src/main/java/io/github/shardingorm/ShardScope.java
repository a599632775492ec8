package io.github.shardingorm;

import org.hibernate.Session;

/**
 * The current shard of this thread, opened with {@link ShardedPersistence#bind(Object)} and closed
 * with try-with-resources. Inside it, plain Jakarta Persistence code routes to the bound shard:
 * {@code emf.createEntityManager()}, {@code em.find}, {@code em.persist}, JPQL, and
 * {@code sessionFactory().getCurrentSession()} (which returns {@link #session()}).
 *
 * <pre>{@code
 * try (ShardScope scope = orm.bind(userId)) {
 *     EntityManager em = emf.createEntityManager();   // on the shard of userId
 *     em.getTransaction().begin();
 *     em.persist(new Post(userId, "hello"));
 *     em.getTransaction().commit();
 *     em.close();
 * }
 * }</pre>
 *
 * <p>Rules: a scope belongs to the thread that opened it (using or closing it from another thread
 * throws {@link IllegalStateException}); binding another shard's key inside it throws
 * {@link ShardRoutingException} (a key of the same shard nests, sharing the session); closing always
 * clears the binding and closes {@link #session()} if it was opened (rolling back a transaction left
 * active). Repository calls and {@code orm.query(...)} join the transaction of {@link #session()} when
 * one is active (an EntityManager you open yourself is your own unit of work: they do not see it).
 */
public interface ShardScope extends AutoCloseable {

    /** The bound shard. */
    String shardId();

    /**
     * The scope's session on the bound shard, opened on first use and closed with the scope; the same
     * session {@code getCurrentSession()} returns inside the scope. Begin a transaction on it to make
     * repository calls join it.
     *
     * @throws IllegalStateException when the scope is closed or used from another thread
     */
    Session session();

    /** Whether the scope is still open. */
    boolean isOpen();

    /**
     * Clears the binding (restoring an outer scope of the same shard) and closes the session.
     *
     * @throws IllegalStateException when called from another thread than the one that opened it
     */
    @Override
    void close();
}
