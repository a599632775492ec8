package io.github.shardingorm.it.writes;

import io.github.shardingorm.internal.writes.FaultInjector;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Crashes (throws {@link SimulatedCrash}, an Error) once, at one boundary of one step. */
final class Faults implements FaultInjector {

    /** A simulated process death: nothing after it runs, nothing is cleaned up. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String message) {
            super(message);
        }
    }

    private final Point point;
    private final int step;
    private final AtomicBoolean fired = new AtomicBoolean();
    private final CountDownLatch firedLatch = new CountDownLatch(1);

    /** @param step the step to crash at, or -1 for any */
    Faults(Point point, int step) {
        this.point = point;
        this.step = step;
    }

    @Override
    public void at(Point where, String type, Object id, int atStep) {
        if (where == point && (step < 0 || step == atStep) && fired.compareAndSet(false, true)) {
            firedLatch.countDown();
            throw new SimulatedCrash("simulated crash at " + where + " of " + type + " " + id + " step " + atStep);
        }
    }

    boolean awaitFired(long millis) throws InterruptedException {
        return firedLatch.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return point + (step < 0 ? "" : "@" + step);
    }
}
