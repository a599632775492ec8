package io.github.shardingorm.resharding;

import java.util.List;

/**
 * A resharding job refused to start: a precondition is missing (wal_level, slots, a primary key,
 * an unknown or unreachable shard, a bucket outside the map, an overlapping job). Nothing was
 * created or moved. The message lists every problem, one per line.
 */
public class ReshardingRefusedException extends ReshardingException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ReshardingRefusedException(String what, List<String> problems) {
        super(format(what, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one sentence each; never empty. */
    public List<String> getProblems() {
        return problems;
    }

    private static String format(String what, List<String> problems) {
        StringBuilder sb = new StringBuilder(what).append(" refused to start, ").append(problems.size())
                .append(problems.size() == 1 ? " problem:" : " problems:");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
