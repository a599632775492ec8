package io.github.shardingorm.resharding;

/** Receives progress of a resharding job (after each chunk, each applied batch and each phase change). */
@FunctionalInterface
public interface ReshardingListener {

    /** Called from the job's thread; keep it short. */
    void onProgress(ReshardingProgress progress);

    /** A listener that ignores progress. */
    static ReshardingListener none() {
        return p -> { };
    }
}
