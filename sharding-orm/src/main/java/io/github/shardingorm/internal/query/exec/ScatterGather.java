package io.github.shardingorm.internal.query.exec;

import io.github.shardingorm.internal.hibernate.ShardSessions;
import io.github.shardingorm.internal.jdbc.ReadContext;
import io.github.shardingorm.query.FailurePolicy;
import io.github.shardingorm.query.ShardQueryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task per shard on a bounded pool of named daemon threads and gathers the answers.
 *
 * <p>The first failure (under {@link FailurePolicy#FAIL}) or the deadline cancels what is still
 * running: the running statement is cancelled through Hibernate's JDBC coordinator
 * ({@code Statement.cancel()}, which PostgreSQL honours at once) and the thread interrupted. The
 * caller then waits a short grace for the cancelled tasks so that their connections go back to
 * the pool before the exception is thrown. A failing shard task cancels the others itself (FAIL),
 * so that the caller learns of the failure even while it runs a shard. Without a timeout the
 * caller runs the first shard on its own thread (it would otherwise only wait).
 */
public final class ScatterGather implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScatterGather.class);
    private static final long CANCEL_GRACE_MILLIS = 5_000;

    /** The work on one shard; attaches its session so that it can be cancelled. */
    @FunctionalInterface
    public interface ShardTask<T> {
        T run(String shard, Cancellation cancellation);
    }

    /** Lets another thread cancel the statement a shard task is running. */
    public static final class Cancellation {
        private volatile SharedSessionContractImplementor session;
        private volatile boolean cancelled;

        public void attach(Object session) {
            this.session = (SharedSessionContractImplementor) session;
            if (cancelled) {
                cancel();
            }
        }

        public boolean isCancelled() {
            return cancelled;
        }

        public void cancel() {
            cancelled = true;
            SharedSessionContractImplementor s = session;
            if (s != null) {
                try {
                    s.getJdbcCoordinator().cancelLastQuery();
                } catch (RuntimeException e) {
                    LOG.debug("cancelling a shard statement failed: {}", e.toString());
                }
            }
        }
    }

    /** The answers of the shards that answered, and the failures of the others (PARTIAL). */
    public record Outcome<T>(Map<String, T> results, Map<String, Throwable> missing) {
    }

    private final ThreadPoolExecutor executor;
    private final int parallelism;

    public ScatterGather(int parallelism) {
        this.parallelism = parallelism;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "sharding-orm-query-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = new ThreadPoolExecutor(parallelism, parallelism, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        this.executor.allowCoreThreadTimeOut(true);
    }

    public int parallelism() {
        return parallelism;
    }

    /** For tests: how long a failed shard waits between cancelling the others and reporting (a thread descheduled there). */
    private volatile long reportPauseMillis;

    void pauseBeforeReportingForTests(long millis) {
        this.reportPauseMillis = millis;
    }

    private void pauseBeforeReporting() {
        long millis = reportPauseMillis;
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public <T> Outcome<T> run(List<String> shards, ShardTask<T> task, Duration timeout, FailurePolicy policy, String query) {
        if (executor.isShutdown()) {
            throw new IllegalStateException("this ShardedPersistence is closed");
        }
        if (shards.size() == 1 && timeout == null) {
            String shard = shards.get(0);
            try {
                return new Outcome<>(Map.of(shard, task.run(shard, new Cancellation())), Map.of());
            } catch (RuntimeException e) {
                RuntimeException translated = ShardSessions.translate(shard, e);
                if (policy == FailurePolicy.PARTIAL) {
                    return new Outcome<>(Map.of(), Map.of(shard, translated));
                }
                throw new ShardQueryException(query, Map.of(shard, translated), List.of());
            }
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Map<String, Cancellation> cancellations = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Future<T>> futures = new LinkedHashMap<>();
        BlockingQueue<String> finished = new LinkedBlockingQueue<>();
        boolean failFast = policy == FailurePolicy.FAIL;
        for (String shard : shards) {
            cancellations.put(shard, new Cancellation());
        }
        // Without a timeout the caller runs the first shard itself instead of idling (one hand-off less).
        boolean callerRuns = timeout == null;
        FutureTask<T> own = null;
        // the caller's read-from, lag limit and consistency token go with its shard tasks
        ReadContext.Snapshot reads = ReadContext.capture();
        for (String shard : shards) {
            Cancellation c = cancellations.get(shard);
            FutureTask<T> f = new FutureTask<>(() -> {
                try (ReadContext.Scope scope = reads.apply()) {
                    if (c.isCancelled()) {
                        throw new CancellationException("cancelled before it started");
                    }
                    return task.run(shard, c);
                } catch (RuntimeException | Error e) {
                    if (failFast && !c.isCancelled()) {
                        cancellations.values().forEach(x -> {
                            if (x != c) {
                                x.cancel();
                            }
                        });
                        pauseBeforeReporting();
                    }
                    throw e;
                } finally {
                    finished.add(shard);
                }
            });
            futures.put(shard, f);
            if (callerRuns && own == null) {
                own = f;
            } else {
                executor.execute(f);
            }
        }
        if (own != null) {
            own.run();
        }
        Map<String, T> results = new LinkedHashMap<>();
        Map<String, Throwable> failures = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>(shards);
        List<String> cancelledByAnother = new ArrayList<>();
        try {
            while (!pending.isEmpty()) {
                long remaining = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                String shard = remaining <= 0 ? null : finished.poll(remaining, TimeUnit.NANOSECONDS);
                if (shard == null) {
                    for (String late : pending) {
                        failures.put(late, new TimeoutException("shard '" + late + "' did not answer within " + timeout.toMillis() + " ms"));
                    }
                    cancel(pending, cancellations, futures);
                    pending.clear();
                    break;
                }
                pending.remove(shard);
                try {
                    results.put(shard, futures.get(shard).get());
                } catch (ExecutionException e) {
                    if (failFast && isCancellation(e.getCause()) && cancellations.get(shard).isCancelled()) {
                        // cancelled because another shard failed: that one is still to come (it cancels before it
                        // reports), and this shard is cancelled, not failed (it once showed up among the failures)
                        cancelledByAnother.add(shard);
                        continue;
                    }
                    failures.put(shard, cause(shard, e));
                } catch (CancellationException e) {
                    failures.put(shard, e);
                }
                if (failFast && !failures.isEmpty()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel(pending, cancellations, futures);
            throw new ShardQueryException(query, Map.of(pending.isEmpty() ? shards.get(0) : pending.get(0), e), pending);
        }
        if (failFast && !failures.isEmpty()) {
            List<String> cancelled = new ArrayList<>(cancelledByAnother);
            cancelled.addAll(pending);
            cancel(pending, cancellations, futures);
            awaitQuietly(pending, futures);
            // A shard that failed on its own (not by our cancel) during the grace is a failure too.
            for (String shard : pending) {
                Future<T> f = futures.get(shard);
                if (f.isDone()) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        if (!isCancellation(e.getCause())) {
                            failures.put(shard, cause(shard, e));
                            cancelled.remove(shard);
                        }
                    } catch (InterruptedException | CancellationException ignored) {
                        // counted as cancelled
                    }
                }
            }
            discard(results);
            throw new ShardQueryException(query, ordered(shards, failures), cancelled);
        }
        if (!failures.isEmpty() && failFast) {
            throw new ShardQueryException(query, ordered(shards, failures), List.of());
        }
        Map<String, T> inShardOrder = new LinkedHashMap<>();
        for (String shard : shards) {
            if (results.containsKey(shard)) {
                inShardOrder.put(shard, results.get(shard));
            }
        }
        return new Outcome<>(inShardOrder, ordered(shards, failures));
    }

    private static <T> void discard(Map<String, T> results) {
        for (T r : results.values()) {
            if (r instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing a shard result failed: {}", e.toString());
                }
            }
        }
    }

    private static Map<String, Throwable> ordered(List<String> shards, Map<String, Throwable> failures) {
        Map<String, Throwable> out = new LinkedHashMap<>();
        for (String s : shards) {
            if (failures.containsKey(s)) {
                out.put(s, failures.get(s));
            }
        }
        return out;
    }

    private static <T> void cancel(List<String> pending, Map<String, Cancellation> cancellations, Map<String, Future<T>> futures) {
        for (String shard : pending) {
            cancellations.get(shard).cancel();
        }
    }

    private static <T> void awaitQuietly(List<String> pending, Map<String, Future<T>> futures) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CANCEL_GRACE_MILLIS);
        for (String shard : pending) {
            try {
                futures.get(shard).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | CancellationException | TimeoutException ignored) {
                // cancelled or failed: fine
            }
        }
    }

    /** Whether a task failed because we cancelled it (our CancellationException, or PostgreSQL's query_canceled 57014). */
    private static boolean isCancellation(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof CancellationException || x instanceof InterruptedException
                    || x instanceof java.sql.SQLException sql && "57014".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Throwable cause(String shard, ExecutionException e) {
        Throwable c = e.getCause();
        return c instanceof RuntimeException r ? ShardSessions.translate(shard, r) : c;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
