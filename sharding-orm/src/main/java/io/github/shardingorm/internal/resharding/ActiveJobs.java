package io.github.shardingorm.internal.resharding;

import io.github.shardingorm.resharding.ReshardingProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resharding jobs and imports running in this JVM for one unit, each as a supplier of its
 * summary progress (one line per job: rows, bytes, rate, ETA, lag, changes). Read by the metrics
 * binding; a summary is in memory only (a job registers while its thread runs, when its moves'
 * progress is live), so reading it costs no I/O.
 */
public final class ActiveJobs {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveJobs.class);

    /** One running job: its kind ({@code move} or {@code import}) and its summary. */
    public record Job(String kind, Supplier<ReshardingProgress> summary) {
    }

    private final Set<Job> jobs = ConcurrentHashMap.newKeySet();

    void add(Job job) {
        jobs.add(job);
    }

    void remove(Job job) {
        jobs.remove(job);
    }

    /** The summaries of the running jobs of {@code kind}; a job whose summary fails is left out (and logged). */
    public List<ReshardingProgress> summaries(String kind) {
        List<ReshardingProgress> out = new ArrayList<>();
        for (Job job : jobs) {
            if (!job.kind().equals(kind)) {
                continue;
            }
            try {
                ReshardingProgress p = job.summary().get();
                if (p != null) {
                    out.add(p);
                }
            } catch (RuntimeException e) {
                LOG.debug("progress of a running {} job could not be read: {}", kind, e.toString());
            }
        }
        return out;
    }

    /** The summary line of several moves of one job: sums of rows, bytes, rates and changes; the largest lag and ETA. */
    static ReshardingProgress sum(String jobId, List<ReshardingProgress> moves) {
        long rows = 0;
        long bytes = 0;
        long est = 0;
        long changes = 0;
        long lag = -1;
        long eta = -1;
        double rate = 0;
        io.github.shardingorm.resharding.ReshardingPhase least = io.github.shardingorm.resharding.ReshardingPhase.COMPLETED;
        for (ReshardingProgress p : moves) {
            rows += p.rowsCopied();
            bytes += p.bytesCopied();
            est += Math.max(0, p.rowsEstimated());
            changes += p.changesApplied();
            lag = Math.max(lag, p.lagBytes());
            eta = Math.max(eta, p.etaSeconds());
            rate += p.rowsPerSecond();
            least = p.phase().ordinal() < least.ordinal() ? p.phase() : least;
        }
        return new ReshardingProgress(jobId, "-", "-", "-", least, rows, bytes, est, changes, lag, rate, eta);
    }
}
