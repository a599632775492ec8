package io.github.shardingorm.test.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessTableTest {

    @Test
    void recognisesAPostmasterOfAPrivateServer() {
        assertTrue(ProcessTable.isPrivateServer("4242 /usr/lib/postgresql/15/bin/postgres -D /tmp/sharding-orm-pg-pg0-123/data"));
        assertTrue(ProcessTable.isPrivateServer(" 77 postmaster -D /var/tmp/sharding-orm-pg-x/data"));
    }

    @Test
    void ignoresOtherProcesses() {
        assertFalse(ProcessTable.isPrivateServer("1 /usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main"));
        assertFalse(ProcessTable.isPrivateServer("2 rm -rf /tmp/sharding-orm-pg-pg0-123"));
        assertFalse(ProcessTable.isPrivateServer("3 postgres: checkpointer"));
    }

    @Test
    void aServerWhoseTestJvmStillRunsIsNotALeftover() {
        long alive = ProcessHandle.current().parent().orElseThrow().pid();
        assertTrue(ProcessTable.ownerIsAlive("9 /usr/lib/postgresql/15/bin/postgres -D /tmp/sharding-orm-pg-pg0-j" + alive + "-123/data"));
    }

    @Test
    void aServerWhoseTestJvmEndedIsALeftover() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertFalse(ProcessTable.ownerIsAlive("9 postgres -D /tmp/sharding-orm-pg-pg0-j" + gone.pid() + "-123/data"));
        assertFalse(ProcessTable.ownerIsAlive("9 postgres -D /tmp/sharding-orm-pg-pg0-123/data"), "no owner named: counted");
        assertFalse(ProcessTable.ownerIsAlive("9 postgres -D /tmp/sharding-orm-pg-pg0-j" + ProcessHandle.current().pid() + "-1/data"),
                "this JVM's own servers are leftovers once the check runs");
    }
}
