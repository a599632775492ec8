package io.github.shardingorm.resharding;

import java.util.List;

/**
 * Verification found a bucket whose rows differ between source and target; the job stopped
 * before the switch (and was rolled back). Each mismatch names the bucket, the table, both
 * counts and a few differing primary keys.
 */
public class ReshardingVerificationException extends ReshardingException {

    private static final long serialVersionUID = 1L;

    private final List<String> mismatches;

    public ReshardingVerificationException(String move, List<String> mismatches) {
        super(move + ": verification failed, " + mismatches.size() + " mismatches:\n  - " + String.join("\n  - ", mismatches));
        this.mismatches = List.copyOf(mismatches);
    }

    public List<String> getMismatches() {
        return mismatches;
    }
}
