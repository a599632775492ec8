package io.github.shardingorm.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.health.ConsistencyToken;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadContextTest {

    @AfterEach
    void reset() {
        ReadContext.resetToken();
        ReadContext.takeServedByReplica();
    }

    @Test
    void writesInsideAnExplicitTokenExtendIt_andTheRestoredThreadTokenAfterwards() {
        ReadContext.recordWrite("s0", 100);
        ConsistencyToken carried = ConsistencyToken.of(Map.of("s1", 50L));
        ConsistencyToken inside;
        try (ReadContext.Scope scope = ReadContext.withToken(carried)) {
            assertEquals(0, ReadContext.token().position("s0"), "the explicit token replaces the thread's inside the scope");
            ReadContext.recordWrite("s1", 70);
            ReadContext.recordWrite("s2", 30);
            inside = ReadContext.token();
        }
        assertEquals(Map.of("s1", 70L, "s2", 30L), inside.positions(), "the explicit token, extended by the writes inside");
        assertEquals(Map.of("s0", 100L, "s1", 70L, "s2", 30L), ReadContext.token().positions(),
                "the thread's token: as before, plus the writes made inside (not the carried position it only read with)");
    }

    @Test
    void nestedScopesHandTheirWritesOutward_andResetForgetsThem() {
        try (ReadContext.Scope outer = ReadContext.withToken(ConsistencyToken.NONE)) {
            try (ReadContext.Scope inner = ReadContext.withToken(ConsistencyToken.NONE)) {
                ReadContext.recordWrite("s0", 10);
            }
            assertEquals(10, ReadContext.token().position("s0"), "the outer scope saw the inner write");
        }
        assertEquals(10, ReadContext.token().position("s0"));
        ReadContext.resetToken();
        assertTrue(ReadContext.token().isEmpty());
        try (ReadContext.Scope scope = ReadContext.withToken(ConsistencyToken.NONE)) {
            // nothing written
        }
        assertTrue(ReadContext.token().isEmpty(), "a reset is not undone by an earlier write's bookkeeping");
    }

    @Test
    void theReplicaMarkIsTakenOnce() {
        assertFalse(ReadContext.takeServedByReplica());
        ReadContext.servedByReplica();
        assertTrue(ReadContext.takeServedByReplica());
        assertFalse(ReadContext.takeServedByReplica(), "taking clears it");
    }
}
