package io.github.shardingorm.internal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.shardingorm.ShardUnavailableException;
import io.github.shardingorm.ShardUnavailableException.Reason;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ErrorReasonsTest {

    @Test
    void aStatementCanceledAtADeadlineIsATimeout_aHungOrDeadShardIsUnavailable() {
        SQLException canceled = new SQLException("ERROR: canceling statement due to statement timeout", "57014");
        assertEquals(ErrorReasons.TIMEOUT, ErrorReasons.of(canceled));
        assertEquals(ErrorReasons.TIMEOUT, ErrorReasons.of(new ShardUnavailableException("s1", Reason.TIMED_OUT, null, null,
                "shard 's1' timed out", new RuntimeException(canceled))), "the translated statement timeout stays a timeout on the meters");
        SQLException broken = new SQLException("An I/O error occurred", "08006", new SocketTimeoutException("Read timed out"));
        assertEquals(ErrorReasons.UNAVAILABLE, ErrorReasons.of(new ShardUnavailableException("s1", Reason.TIMED_OUT, null, null,
                "shard 's1' is unavailable", broken)), "a socket timeout (hung server) is the shard being unavailable");
        assertEquals(ErrorReasons.UNAVAILABLE, ErrorReasons.of(new ShardUnavailableException("s1", "down", null)));
    }
}
