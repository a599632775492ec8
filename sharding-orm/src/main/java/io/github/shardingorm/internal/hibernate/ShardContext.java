package io.github.shardingorm.internal.hibernate;

import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardScope;
import java.util.Collection;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * The shard a thread works on, per persistence unit: what the tenant resolver answers for
 * {@code createEntityManager()} / {@code getCurrentSession()}, and which session a repository call
 * or a query joins.
 *
 * <p>A thread holds a stack of frames. A <b>scope</b> frame ({@code orm.bind(key)}) names a shard and
 * opens its session lazily ({@link ShardScope#session()}, also what {@code getCurrentSession()} returns);
 * a <b>work</b> frame is a template's own session ({@code inTransaction}, a repository call). The
 * rules, checked on the calling thread before anything is written:
 * <ul>
 *   <li>a scope inside a scope: same shard allowed (it shares the outer scope's session), another
 *       shard refused;</li>
 *   <li>a template call while the innermost frame's session has an active transaction: same shard
 *       joins that session and transaction (a failure marks it rollback-only); another shard is
 *       refused, naming both shards;</li>
 *   <li>otherwise the template opens its own session and transaction;</li>
 *   <li>a scope is closed on the thread that opened it, and a frame is always removed, in
 *       {@code finally}; closing an outer scope also removes what a caller forgot above it.</li>
 * </ul>
 * Not inherited by other threads: the pool threads of a fan-out never see a caller's frame.
 */
public final class ShardContext {

    private final ThreadLocal<Frame> top = new ThreadLocal<>();
    private SessionFactory sessionFactory;

    /** Set once the SessionFactory exists (the resolver that holds this context is built before it). */
    void attach(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    /** The shard bound to this thread, or null. */
    public String currentShard() {
        Frame f = top.get();
        return f == null ? null : f.shard;
    }

    /** The session of the innermost frame, opened for a scope on first use; null without a frame. */
    Session currentSession() {
        Frame f = top.get();
        return f == null ? null : f.session(true);
    }

    /**
     * The session a call on {@code shard} joins: the innermost frame's, when its transaction is active
     * and it is on that shard; null when the call runs on its own.
     *
     * @throws ShardRoutingException when that transaction is on another shard
     */
    Session joinable(String shard, Supplier<String> what) {
        Frame f = top.get();
        Session s = f == null ? null : f.session(false);
        if (s == null || !s.isOpen() || !s.getTransaction().isActive()) {
            return null;
        }
        if (!f.shard.equals(shard)) {
            throw otherShard(f.shard, java.util.List.of(shard), what.get());
        }
        return s;
    }

    /** Refuses a call that would touch shards other than the one of an active surrounding transaction. */
    public void checkTargets(Collection<String> shards, Supplier<String> what) {
        Frame f = top.get();
        Session s = f == null ? null : f.session(false);
        if (s == null || !s.isOpen() || !s.getTransaction().isActive()) {
            return;
        }
        for (String shard : shards) {
            if (!f.shard.equals(shard)) {
                throw otherShard(f.shard, shards, what.get());
            }
        }
    }

    private static ShardRoutingException otherShard(String bound, Collection<String> targets, String what) {
        return new ShardRoutingException((what == null ? "This call" : what) + " would run on shard(s) " + targets
                + " but this thread is inside a transaction on shard '" + bound + "' (orm.inTransaction, or a bound scope"
                + " with an open transaction). A repository call or query inside a transaction joins it only on the same"
                + " shard; a write that spans shards needs a saga (orm.sagas()) or orm.atomically(keys, work). Nothing was"
                + " written by this call.", null, null, bound);
    }

    /** Pushes a template's own session for the duration of its work. */
    Binding work(String shard, Session session) {
        Frame frame = new Frame(this, shard, session, top.get(), false);
        top.set(frame);
        return () -> frame.pop(false);
    }

    /** Opens a scope on {@code shard}; see the class note for nesting. */
    public ShardScope bind(String shard, Object key) {
        Frame outer = top.get();
        if (outer != null && !outer.shard.equals(shard)) {
            throw new ShardRoutingException("Cannot bind key " + key + " (shard '" + shard + "'): this thread is already bound to shard '"
                    + outer.shard + "'" + (outer.scope ? " by an open scope" : " by a running transaction")
                    + ". Close that scope first; work on two shards needs a saga or orm.atomically(keys, work).", null, key, shard);
        }
        Frame frame = new Frame(this, shard, null, outer, true);
        top.set(frame);
        return frame;
    }

    /** Removes the frame pushed by a template. */
    @FunctionalInterface
    interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Frame implements ShardScope {
        private final ShardContext context;
        private final String shard;
        private final Frame parent;
        private final boolean scope;
        private final Thread owner = Thread.currentThread();
        private Session session;
        private boolean ownsSession;
        private boolean closed;

        Frame(ShardContext context, String shard, Session session, Frame parent, boolean scope) {
            this.context = context;
            this.shard = shard;
            this.session = session;
            this.parent = parent;
            this.scope = scope;
        }

        /** The frame's session; a scope opens one (or shares its outer scope's) when {@code open}. */
        Session session(boolean open) {
            if (session == null && scope && open) {
                Session shared = parent != null && parent.shard.equals(shard) ? parent.session(true) : null;
                if (shared != null) {
                    session = shared;
                } else {
                    session = FenceStatementInspector.sessionOn(context.sessionFactory, shard).openSession();
                    ownsSession = true;
                }
            }
            return session;
        }

        @Override
        public String shardId() {
            return shard;
        }

        @Override
        public Session session() {
            checkUsable("session()");
            return session(true);
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        private void checkUsable(String operation) {
            if (closed) {
                throw new IllegalStateException("This shard scope (shard '" + shard + "') is closed; " + operation + " needs an open scope");
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("This shard scope (shard '" + shard + "') belongs to thread '" + owner.getName()
                        + "' and was used from thread '" + Thread.currentThread().getName()
                        + "': a scope is bound to the thread that opened it; open one per thread with orm.bind(key)");
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            checkUsable("close()");
            pop(true);
        }

        void pop(boolean closeSession) {
            closed = true;
            try {
                if (closeSession && ownsSession && session.isOpen()) {
                    if (session.getTransaction().isActive()) {
                        session.getTransaction().rollback();
                    }
                    session.close();
                }
            } finally {
                boolean onStack = false;
                for (Frame f = context.top.get(); f != null; f = f.parent) {
                    onStack |= f == this;
                }
                // Remove this frame and whatever was left open above it (unless an outer close removed it already).
                for (Frame f = context.top.get(); onStack && f != this; f = f.parent) {
                    f.closed = true;
                }
                if (!onStack) {
                    return;
                }
                // set(null), not remove(): on JDK 17 remove() clears the entry's weak reference through a
                // JNI call (JVM_ReferenceClear: 1.2 % of a keyed insert's CPU in the W1 profile, issue 10)
                context.top.set(parent);
            }
        }

        @Override
        public String toString() {
            return "ShardScope{shard=" + shard + (closed ? ", closed" : "") + "}";
        }
    }
}
