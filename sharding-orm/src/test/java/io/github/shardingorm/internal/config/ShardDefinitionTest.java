package io.github.shardingorm.internal.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardDefinitionTest {

    private static final String PASSWORD = "s3cr3t-pw";

    @Test
    void toString_masksThePasswordAndPasswordsInTheUrl() {
        ShardDefinition shard = new ShardDefinition("s0",
                "jdbc:postgresql://app:" + PASSWORD + "@db0:5432/app?password=" + PASSWORD, "app", PASSWORD);
        String text = shard.toString();
        assertFalse(text.contains(PASSWORD), text);
        assertTrue(text.contains("id=s0"), text);
        assertTrue(text.contains("db0:5432/app"), text);
        assertTrue(text.contains("username=app"), text);
        assertTrue(text.contains("password=****"), text);
    }

    @Test
    void toString_saysWhenThereIsNoPassword() {
        assertTrue(new ShardDefinition("s0", "jdbc:postgresql://db0/app", null, null).toString().contains("password=null"));
    }

    @Test
    void accessors_keepThePasswordForThePool() {
        assertEquals(PASSWORD, new ShardDefinition("s0", "jdbc:postgresql://db0/app", "app", PASSWORD).password());
    }
}
