package io.github.shardingorm.resharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReshardingCommandTest {

    @Test
    void parse_readsCommandArgumentsAndOptions() {
        ReshardingCommand.Parsed p = ReshardingCommand.parse(new String[] {"orm.properties", "start", "move", "0-7", "s2",
                "--throttle", "5000", "--keep-source"});
        assertEquals(new ReshardingCommand.Parsed(Path.of("orm.properties"), "start", List.of("move", "0-7", "s2"), 5000, true), p);
    }

    @Test
    void parse_readsTheImportCommand() {
        ReshardingCommand.Parsed p = ReshardingCommand.parse(new String[] {"orm.properties", "import", "jdbc:postgresql://old/app",
                "--user", "app", "--online", "--throttle", "100", "--chunk-rows", "500", "--dry-run"});
        assertEquals(new ReshardingCommand.Parsed(Path.of("orm.properties"), "import", List.of("jdbc:postgresql://old/app"), 100, false,
                "app", true, 500, true), p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReshardingCommand.parse(new String[] {"orm.properties", "import"}));
        assertTrue(e.getMessage().contains("import needs the JDBC URL"), e.getMessage());
    }

    @Test
    void badUsage_exitsWith2AndSaysWhy() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, ReshardingCommand.run(new String[] {"orm.properties", "explode"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err)));
        assertTrue(err.toString().contains("unknown command 'explode'"), err.toString());
        assertThrows(IllegalArgumentException.class, () -> ReshardingCommand.parse(new String[] {"orm.properties", "plan"}));
    }

    @Test
    void builder_mapsEachPlanToTheApi() {
        Resharding r = mock(Resharding.class);
        ReshardingCommand.builder(r, List.of("add-shard", "s4"));
        ReshardingCommand.builder(r, List.of("split", "s1", "s4"));
        ReshardingCommand.builder(r, List.of("merge", "s2", "s3"));
        ReshardingCommand.builder(r, List.of("rebalance"));
        ReshardingCommand.builder(r, List.of("move", "8-15", "s0"));
        verify(r).addShard("s4");
        verify(r).split("s1", "s4");
        verify(r).merge("s2", "s3");
        verify(r).rebalance();
        verify(r).moveBuckets(8, 15, "s0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReshardingCommand.builder(r, List.of("split", "s1")));
        assertEquals("split needs a second shard", e.getMessage());
    }
}
