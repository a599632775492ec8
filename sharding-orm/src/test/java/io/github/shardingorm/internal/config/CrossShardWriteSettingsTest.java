package io.github.shardingorm.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardingConfigurationException;
import io.github.shardingorm.ShardingSettings;
import io.github.shardingorm.TwoPhaseCommitMode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cross-shard write settings: properties form and builder checks (no database: the checks fail first). */
class CrossShardWriteSettingsTest {

    private static Map<String, String> base() {
        Map<String, String> p = new HashMap<>();
        p.put(ShardingSettings.SHARDS, "s0");
        p.put("sharding.shard.s0.url", "jdbc:postgresql://127.0.0.1:1/none");
        p.put(ShardingSettings.ENTITIES, Object.class.getName());
        return p;
    }

    @Test
    void knownSettingsAreAcceptedAndBadValuesAreReportedTogether() {
        Map<String, String> p = base();
        p.put(ShardingSettings.TWO_PHASE_COMMIT, "sometimes");
        p.put(ShardingSettings.SAGA_LEASE, "50");
        p.put(ShardingSettings.SAGA_MAX_ATTEMPTS, "3");
        p.put(ShardingSettings.SAGA_RETRY_BACKOFF, "10");
        p.put(ShardingSettings.RECOVERY_INTERVAL, "1000");
        p.put(ShardingSettings.TWO_PHASE_GRACE, "2000");

        ShardingConfigurationException e = assertThrows(ShardingConfigurationException.class, () -> ShardedPersistence.fromProperties(p));

        assertEquals(2, e.getProblems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("sharding.two-phase-commit must be auto, required or disabled but was 'sometimes'"), e.getMessage());
        assertTrue(e.getMessage().contains("saga lease must be at least 100 ms but was 50 ms"), e.getMessage());
    }

    @Test
    void builderRefusesSettingTwiceAndOutOfRangeValues() {
        var b = ShardedPersistence.builder().twoPhaseCommit(TwoPhaseCommitMode.REQUIRED);
        assertThrows(IllegalStateException.class, () -> b.twoPhaseCommit(TwoPhaseCommitMode.AUTO));
        assertThrows(IllegalArgumentException.class, () -> b.sagaRetries(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.twoPhaseGrace(Duration.ofMillis(10)));
        b.recoveryInterval(Duration.ZERO);
        assertThrows(IllegalStateException.class, () -> b.recoveryInterval(Duration.ofSeconds(1)));
    }
}
