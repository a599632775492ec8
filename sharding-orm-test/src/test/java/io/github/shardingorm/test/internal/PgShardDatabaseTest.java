package io.github.shardingorm.test.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class PgShardDatabaseTest {

    @Test
    void toStringNeverShowsThePassword() {
        PgShardDatabase database = new PgShardDatabase("s0", "shorm_abcde_0",
                "jdbc:postgresql://db:5432/shorm_abcde_0?password=inurl", "app", "s3cr3t");

        String text = database.toString();

        assertFalse(text.contains("s3cr3t"), text);
        assertFalse(text.contains("inurl"), text);
        SourceResolverTest.assertContains(text, "s0", "shorm_abcde_0", "user=app", "password=****");
        assertEquals("s3cr3t", database.password());
    }

    @Test
    void toStringSaysWhenThePasswordIsEmpty() {
        PgShardDatabase database = new PgShardDatabase("s1", "shorm_abcde_1", "jdbc:postgresql://db/shorm_abcde_1", "postgres", "");

        SourceResolverTest.assertContains(database.toString(), "password=(empty)");
    }

    @Test
    void databaseNamesAreLowercasePrefixedAndIndexed() {
        String runId = DatabaseNames.newRunId();

        assertEquals(5, runId.length());
        assertEquals(runId.toLowerCase(java.util.Locale.ROOT), runId);
        assertEquals("shorm_" + runId + "_3", DatabaseNames.databaseName(runId, 3));
        assertEquals("s3", DatabaseNames.shardId(3));
    }

    @Test
    void ownerCommentNamesThisRunningJvm() {
        String comment = DatabaseNames.ownerComment();

        SourceResolverTest.assertContains(comment, "sharding-orm-test pid=" + ProcessHandle.current().pid());
        org.junit.jupiter.api.Assertions.assertTrue(DatabaseNames.ownerIsAlive(comment));
        assertFalse(DatabaseNames.ownerIsAlive(comment.replaceFirst("started=\\S+", "started=1970-01-01T00:00:00Z")));
        assertFalse(DatabaseNames.ownerIsAlive(null));
        assertFalse(DatabaseNames.ownerIsAlive("some other comment"));
    }
}
