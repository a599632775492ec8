package io.github.shardingorm.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WriteSettingsTest {

    @Test
    void backoffDoublesPerAttemptUpToTheCapAndHalfTheLease() {
        WriteSettings s = new WriteSettings(10, 100, 1_000, 60_000, 0, 0);
        assertEquals(100, s.backoff(1));
        assertEquals(200, s.backoff(2));
        assertEquals(400, s.backoff(3));
        assertEquals(1_000, s.backoff(5));
        assertEquals(1_000, s.backoff(60));
        assertEquals(500, new WriteSettings(10, 100, 10_000, 1_000, 0, 0).backoff(8));
    }
}
