package io.github.shardingorm.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link ShardingSettings} documents every key with its default; {@link Defaults} holds the value.
 * The two must say the same: each documented default is read from the source of ShardingSettings.
 */
class DefaultsTest {

    private static final Path SETTINGS = Path.of("src/main/java/io/github/shardingorm/ShardingSettings.java");

    @Test
    void numericDefaultsAreDocumentedWithTheirValue() throws Exception {
        assertDocumented("BUCKET_COUNT", "Default " + Defaults.BUCKET_COUNT);
        assertDocumented("VIRTUAL_NODES", "Default " + Defaults.VIRTUAL_NODES);
        assertDocumented("SHARD_WEIGHT", "Default " + Defaults.SHARD_WEIGHT);
        assertDocumented("NODE_ID", "Default " + Defaults.NODE_ID);
        assertDocumented("CONNECTION_TIMEOUT", "Default " + Defaults.CONNECTION_TIMEOUT_MILLIS);
        assertDocumented("MAXIMUM_POOL_SIZE", "Default " + Defaults.MAXIMUM_POOL_SIZE);
        assertDocumented("JDBC_BATCH_SIZE", "Default " + Defaults.JDBC_BATCH_SIZE);
        assertDocumented("TWO_PHASE_GRACE", "Default " + Defaults.TWO_PHASE_GRACE_MILLIS);
        assertDocumented("SAGA_MAX_ATTEMPTS", "Default " + Defaults.SAGA_MAX_ATTEMPTS);
        assertDocumented("SAGA_RETRY_BACKOFF", "Default " + Defaults.SAGA_RETRY_BACKOFF_MILLIS);
        assertDocumented("SAGA_RETRY_BACKOFF", "up to " + Defaults.SAGA_MAX_BACKOFF_MILLIS / 1000 + " s");
        assertDocumented("SAGA_LEASE", "Default " + Defaults.SAGA_LEASE_MILLIS);
        assertDocumented("RECOVERY_INTERVAL", "Default " + Defaults.RECOVERY_INTERVAL_MILLIS);
        assertDocumented("TOPOLOGY_POLL_INTERVAL", "Default " + Defaults.TOPOLOGY_POLL_INTERVAL_MILLIS);
        assertDocumented("TOPOLOGY_STALE_AFTER", "Default " + Defaults.TOPOLOGY_STALE_AFTER_MILLIS);
        assertDocumented("FENCED_WRITE_WAIT", "Default " + Defaults.FENCED_WRITE_WAIT_MILLIS);
        assertDocumented("SOCKET_TIMEOUT", "Default " + Defaults.SOCKET_TIMEOUT_MILLIS);
        assertDocumented("STATEMENT_TIMEOUT", "Default " + Defaults.STATEMENT_TIMEOUT_MILLIS);
        assertDocumented("HEALTH_FAILURE_THRESHOLD", "Default " + Defaults.FAILURE_THRESHOLD);
        assertDocumented("HEALTH_PROBE_INTERVAL", "Default " + Defaults.PROBE_INTERVAL_MILLIS);
        assertDocumented("HEALTH_PROBE_TIMEOUT", "Default " + Defaults.PROBE_TIMEOUT_MILLIS);
        assertDocumented("REPLICA_MAX_LAG", "Default " + Defaults.MAX_REPLICA_LAG_MILLIS);
        assertDocumented("REPLICA_READ_YOUR_WRITES_WAIT", "Default " + Defaults.READ_YOUR_WRITES_WAIT_MILLIS);
        assertDocumented("REPLICA_PRIMARY_FALLBACK_PERMITS", "Default " + Defaults.PRIMARY_FALLBACK_PERMITS);
        assertDocumented("REPLICA_MAX_STALENESS", "Default " + Defaults.MAX_STALENESS_MILLIS);
        assertTrue(Defaults.SOCKET_TIMEOUT_MILLIS > Defaults.STATEMENT_TIMEOUT_MILLIS,
                "a slow statement is cancelled by the server before the socket gives up");
    }

    @Test
    void namedDefaultsAreDocumentedAsTheDefault() throws Exception {
        assertDocumented("STRATEGY", "{@code " + Defaults.STRATEGY_NAME + "} (default");
        assertDocumented("SCHEMA_ACTION", "{@code " + Defaults.SCHEMA_ACTION.name().toLowerCase() + "} (default)");
        assertDocumented("TWO_PHASE_COMMIT", "{@code " + Defaults.TWO_PHASE_COMMIT.name().toLowerCase() + "} (default");
        assertDocumented("MINIMUM_IDLE", "Default: same as the maximum pool size");
        assertDocumented("READ_FROM", "{@code " + Defaults.READ_FROM.name().toLowerCase() + "} (default");
        assertDocumented("REPLICA_FALLBACK", "{@code " + Defaults.READ_FALLBACK.name().toLowerCase() + "} (default)");
        assertEquals(null, Defaults.MINIMUM_IDLE);
    }

    @Test
    void queryParallelismIsTwoPerShardAtLeastFourAtMostSixtyFour() throws Exception {
        assertDocumented("QUERY_PARALLELISM", "Default: two per shard, at least 4, at most 64");
        assertEquals(4, Defaults.queryParallelism(1));
        assertEquals(6, Defaults.queryParallelism(3));
        assertEquals(64, Defaults.queryParallelism(33));
    }

    /** The javadoc of constant {@code name} in ShardingSettings contains {@code text} (not followed by a digit). */
    private static void assertDocumented(String name, String text) throws Exception {
        String source = Files.readString(SETTINGS);
        Matcher m = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*String " + name + " =", Pattern.DOTALL).matcher(source);
        assertTrue(m.find(), "no documented constant " + name + " in " + SETTINGS.toAbsolutePath());
        String doc = m.group(1).replaceAll("\\s*\\n\\s*\\*\\s*", " ");
        assertTrue(Pattern.compile(Pattern.quote(text) + "(?![0-9])").matcher(doc).find(),
                () -> "ShardingSettings." + name + " should document '" + text + "' but says: " + doc.strip());
    }
}
