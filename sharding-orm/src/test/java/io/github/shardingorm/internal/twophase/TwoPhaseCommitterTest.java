package io.github.shardingorm.internal.twophase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TwoPhaseCommitterTest {

    @Test
    void globalIdsNameTransactionCoordinatorAndParticipantAndFitPostgresLimit() {
        String txid = "0123456789abcdef0123456789abcdef";
        String longest = "s".repeat(63);
        String gid = TwoPhaseCommitter.gid(txid, longest, longest);
        assertTrue(gid.startsWith(TwoPhaseCommitter.GID_PREFIX + txid + ":"));
        assertTrue(gid.length() < 200, "PostgreSQL gids are at most 199 bytes: " + gid.length());
        assertEquals(3, gid.substring(TwoPhaseCommitter.GID_PREFIX.length()).split(":").length);
        String sameServer = TwoPhaseCommitter.gid(txid, "s0", "s2");
        assertTrue(!sameServer.equals(TwoPhaseCommitter.gid(txid, "s0", "s0")), "participants on one server need distinct gids");
    }
}
