package io.github.shardingorm.test.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs a few slow, independent tasks (server starts, CREATE DATABASE) at once on daemon threads. */
final class ParallelTasks {

    /**
     * @param succeeded results of the tasks that completed, in task order
     * @param failures what the others threw, in task order
     */
    record Outcome<T>(List<T> succeeded, List<Throwable> failures) {
    }

    private ParallelTasks() {
    }

    /** Runs every task, at most {@code parallelism} at a time, and waits for all of them. */
    static <T> Outcome<T> runAll(String threadName, int parallelism, List<Callable<T>> tasks) {
        List<T> succeeded = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        if (tasks.size() <= 1 || parallelism <= 1) {
            for (Callable<T> task : tasks) {
                try {
                    succeeded.add(task.call());
                } catch (Exception e) {
                    failures.add(e);
                }
            }
            return new Outcome<>(succeeded, failures);
        }
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(parallelism, tasks.size()), runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(executor.submit(task));
            }
            for (Future<T> future : futures) {
                try {
                    succeeded.add(future.get());
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add(e);
                }
            }
        } finally {
            executor.shutdown();
        }
        return new Outcome<>(succeeded, failures);
    }
}
