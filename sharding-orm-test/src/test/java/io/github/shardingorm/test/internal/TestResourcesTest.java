package io.github.shardingorm.test.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.shardingorm.test.PostgresTestException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestResourcesTest {

    @Test
    void closesEveryResourceNewestFirstAndReportsEveryFailure() {
        List<String> closed = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        TestResources.register(() -> closed.add("server"));
        TestResources.register(() -> {
            closed.add("databases");
            throw boom;
        });
        AutoCloseable unregistered = () -> closed.add("closed by its owner");
        TestResources.register(unregistered);
        TestResources.unregister(unregistered);
        TestResources.register(() -> closed.add("replica"));

        PostgresTestException e = assertThrows(PostgresTestException.class, TestResources::closeAll);

        assertEquals(List.of("replica", "databases", "server"), closed);
        assertSame(boom, e.getCause());
        TestResources.closeAll(); // nothing left to close
        assertEquals(3, closed.size());
    }
}
