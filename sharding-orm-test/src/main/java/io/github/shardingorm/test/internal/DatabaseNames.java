package io.github.shardingorm.test.internal;

import io.github.shardingorm.test.PostgresTestSettings;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of shard databases: {@code shorm_<run id>_<index>}, lowercase, unique per set. Each database
 * also gets a comment naming the JVM that created it, so that {@link LeftoverCheck} can tell the
 * databases of another test run still going on from real leftovers.
 */
final class DatabaseNames {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern OWNER = Pattern.compile("sharding-orm-test pid=(\\d+) started=(\\S+)");

    private DatabaseNames() {
    }

    /** @return a fresh 5 character run id, starting with a letter */
    static String newRunId() {
        StringBuilder id = new StringBuilder(5);
        id.append(ALPHABET.charAt(RANDOM.nextInt(26)));
        for (int i = 1; i < 5; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    static String databaseName(String runId, int index) {
        return PostgresTestSettings.DATABASE_PREFIX + runId + "_" + index;
    }

    static String shardId(int index) {
        return "s" + index;
    }

    /** @return the comment put on databases created by this JVM */
    static String ownerComment() {
        ProcessHandle self = ProcessHandle.current();
        return "sharding-orm-test pid=" + self.pid() + " started="
                + self.info().startInstant().map(Instant::toString).orElse("unknown");
    }

    /**
     * @param comment a database comment; may be null
     * @return true when it names a JVM that is still running (same pid and start time)
     */
    static boolean ownerIsAlive(String comment) {
        Matcher m = comment == null ? null : OWNER.matcher(comment);
        if (m == null || !m.matches()) {
            return false;
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(Long.parseLong(m.group(1)));
        return owner.isPresent() && owner.get().isAlive()
                && owner.get().info().startInstant().map(Instant::toString).orElse("unknown").equals(m.group(2));
    }
}
