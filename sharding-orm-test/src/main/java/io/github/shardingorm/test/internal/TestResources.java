package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every database set and server process this JVM created and has not closed yet. They are closed,
 * newest first, when the JUnit run ends (through an {@code AutoCloseable} in the root
 * {@link ExtensionContext} store) and, as a backstop, by a JVM shutdown hook, so that nothing
 * outlives the tests even when a test fails or forgets to close what it started.
 */
public final class TestResources {

    private static final Logger LOG = LoggerFactory.getLogger(TestResources.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestResources.class);

    private static final List<AutoCloseable> OPEN = new ArrayList<>();
    private static boolean hookInstalled;

    private TestResources() {
    }

    /** Tracks {@code resource} until {@link #unregister} or the end of the run. */
    static synchronized void register(AutoCloseable resource) {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(TestResources::closeAtShutdown, "sharding-orm-test-cleanup"));
            hookInstalled = true;
        }
        OPEN.add(resource);
    }

    /** Stops tracking {@code resource} (compared by identity); called by its own {@code close()}. */
    static synchronized void unregister(AutoCloseable resource) {
        OPEN.removeIf(open -> open == resource);
    }

    /** Makes the end of the JUnit run (the root context) close everything still open. */
    static void bindTo(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(EndOfRun.class, key -> new EndOfRun(), EndOfRun.class);
    }

    /**
     * Closes every open resource, newest first, and throws when any close failed.
     *
     * @throws PostgresTestException listing every failure (as suppressed exceptions)
     */
    static void closeAll() {
        List<AutoCloseable> snapshot;
        synchronized (TestResources.class) {
            snapshot = new ArrayList<>(OPEN);
        }
        Collections.reverse(snapshot);
        PostgresTestException failure = null;
        for (AutoCloseable resource : snapshot) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new PostgresTestException("could not clean up every PostgreSQL test resource; first failure: " + e, e);
                } else {
                    failure.addSuppressed(e);
                }
            } finally {
                unregister(resource);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeAtShutdown() {
        int open;
        synchronized (TestResources.class) {
            open = OPEN.size();
        }
        if (open == 0) {
            return;
        }
        // Logging may already be shut down at this point: write to stderr directly.
        System.err.println("sharding-orm-test: closing " + open + " PostgreSQL test resource(s) left open at JVM exit");
        try {
            closeAll();
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
    }

    /** Stored in the root context: closed by JUnit when the whole run ends. */
    private static final class EndOfRun implements AutoCloseable {
        @Override
        public void close() {
            LOG.debug("end of JUnit run: closing PostgreSQL test resources");
            closeAll();
        }
    }
}
