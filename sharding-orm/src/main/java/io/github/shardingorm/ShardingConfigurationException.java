package io.github.shardingorm;

import java.util.List;

/**
 * Start-up found one or more configuration problems. The message lists every problem, one per
 * line, so a misconfigured cluster is fixed in one round (unknown shard, duplicate shard id,
 * entity without a key, unreachable shard...).
 */
public class ShardingConfigurationException extends ShardingException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ShardingConfigurationException(List<String> problems, Throwable cause) {
        super(format(problems), cause);
        this.problems = List.copyOf(problems);
    }

    public ShardingConfigurationException(List<String> problems) {
        this(problems, null);
    }

    /** Every problem found, one sentence each; never empty. */
    public List<String> getProblems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder sb = new StringBuilder("sharding-orm configuration has ")
                .append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
