package io.github.shardingorm;

import java.time.Instant;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardAwareIdTest {

    @Test
    void layout_fillsExactly63Bits() {
        assertEquals(63, ShardAwareId.TIMESTAMP_BITS + ShardAwareId.BUCKET_BITS + ShardAwareId.NODE_BITS
                + ShardAwareId.SEQUENCE_BITS);
        assertEquals(8192, ShardAwareId.MAX_BUCKETS);
        assertEquals(31, ShardAwareId.MAX_NODE_ID);
        assertEquals(15, ShardAwareId.MAX_SEQUENCE);
        assertEquals(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), ShardAwareId.EPOCH_MILLIS);
    }

    @Test
    void compose_roundTripsAtTheExtremes() {
        long[] millis = {0, 1, 123_456_789_012L, ShardAwareId.MAX_TIMESTAMP};
        int[] buckets = {0, 1, 4095, ShardAwareId.MAX_BUCKETS - 1};
        int[] nodes = {0, 1, ShardAwareId.MAX_NODE_ID};
        int[] sequences = {0, 1, ShardAwareId.MAX_SEQUENCE};
        for (long m : millis) {
            for (int b : buckets) {
                for (int n : nodes) {
                    for (int s : sequences) {
                        long id = ShardAwareId.compose(m, b, n, s);
                        assertTrue(id >= 0, () -> "negative id for " + m);
                        assertEquals(b, ShardAwareId.bucketOf(id));
                        assertEquals(n, ShardAwareId.nodeIdOf(id));
                        assertEquals(s, ShardAwareId.sequenceOf(id));
                        assertEquals(Instant.ofEpochMilli(ShardAwareId.EPOCH_MILLIS + m), ShardAwareId.timestampOf(id));
                    }
                }
            }
        }
    }

    @Test
    void compose_largestIdIsLongMaxValue_andSmallestIsZero() {
        assertEquals(Long.MAX_VALUE, ShardAwareId.compose(ShardAwareId.MAX_TIMESTAMP, ShardAwareId.MAX_BUCKETS - 1,
                ShardAwareId.MAX_NODE_ID, ShardAwareId.MAX_SEQUENCE));
        assertEquals(0L, ShardAwareId.compose(0, 0, 0, 0));
    }

    @Test
    void compose_ordersIdsByTimeFirst() {
        long earlier = ShardAwareId.compose(1000, ShardAwareId.MAX_BUCKETS - 1, ShardAwareId.MAX_NODE_ID, ShardAwareId.MAX_SEQUENCE);
        long later = ShardAwareId.compose(1001, 0, 0, 0);
        assertTrue(earlier < later);
    }

    @Test
    void compose_rejectsTimestampOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardAwareId.compose(-1, 0, 0, 0));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardAwareId.compose(ShardAwareId.MAX_TIMESTAMP + 1, 0, 0, 0));
    }

    @Test
    void compose_rejectsBucketOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardAwareId.compose(0, 8192, 0, 0));
        assertTrue(e.getMessage().contains("bucket 8192"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardAwareId.compose(0, -1, 0, 0));
    }

    @Test
    void compose_rejectsNodeIdOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardAwareId.compose(0, 0, 32, 0));
        assertTrue(e.getMessage().contains("node id 32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardAwareId.compose(0, 0, -1, 0));
    }

    @Test
    void compose_rejectsSequenceOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardAwareId.compose(0, 0, 0, 16));
        assertTrue(e.getMessage().contains("sequence 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardAwareId.compose(0, 0, 0, -1));
    }

    @Test
    void isPlausible_acceptsOnlyPositiveIds() {
        assertTrue(ShardAwareId.isPlausible(1));
        assertTrue(ShardAwareId.isPlausible(Long.MAX_VALUE));
        assertFalse(ShardAwareId.isPlausible(0));
        assertFalse(ShardAwareId.isPlausible(-1));
        assertFalse(ShardAwareId.isPlausible(Long.MIN_VALUE));
    }
}
