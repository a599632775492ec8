package io.github.shardingorm.test.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigurationTest {

    @Test
    void parsesNameValueSettingsInOrder() {
        assertEquals(Map.of("max_prepared_transactions", "10", "work_mem", "8MB", "search_path", "a,b"),
                ServerConfiguration.parse(List.of("max_prepared_transactions=10", " work_mem = 8MB ", "search_path=a,b")));
    }

    @Test
    void rejectsSettingsThatAreNotNameValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfiguration.parse(List.of("max_prepared_transactions")));
        SourceResolverTest.assertContains(e.getMessage(), "'max_prepared_transactions' is not name=value");
        assertThrows(IllegalArgumentException.class, () -> ServerConfiguration.parse(List.of("x; DROP=1")));
    }

    @Test
    void defaultsAreFastAndReadyForReplication() {
        Map<String, String> defaults = ServerConfiguration.defaults(60);

        assertEquals("off", defaults.get("fsync"));
        assertEquals("replica", defaults.get("wal_level"));
        assertEquals("on", defaults.get("hot_standby"));
        assertEquals("60", defaults.get("max_connections"));
        SourceResolverTest.assertContains(ServerConfiguration.HBA, "host    replication  all  127.0.0.1/32   trust");
    }
}
