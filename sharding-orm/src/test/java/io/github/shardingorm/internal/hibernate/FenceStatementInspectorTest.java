package io.github.shardingorm.internal.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the fence's statement inspector takes for a write, and for a write of a table that moves. */
class FenceStatementInspectorTest {

    @Test
    void writesAreToldFromReadsByTheirFirstKeywordAfterCommentsAndParentheses() {
        for (String sql : List.of("insert into users values (1)", "  UPDATE users set name = ?", "delete from users",
                "/* hint */ delete from users", "-- a line\nupdate users set x = 1", "(delete from users)", "merge into users u using x on true",
                "truncate users", "copy users from stdin", "with d as (delete from users returning id) select count(*) from d",
                "WITH x AS (SELECT 1) UPDATE users SET name = 'a'")) {
            assertTrue(FenceStatementInspector.isMutation(sql), sql);
        }
        for (String sql : List.of("select * from users", "select updated_at from users", "with x as (select deleted from users) select * from x",
                "/* update */ select 1", "values (1)", "")) {
            assertFalse(FenceStatementInspector.isMutation(sql), sql);
        }
    }

    @Test
    void aMovedTableIsFoundAsAWholeIdentifierQuotedOrQualifiedAndNotInsideAnotherName() {
        FenceStatementInspector inspector = new FenceStatementInspector(null, null, null);
        inspector.movedTables(List.of("Users", "user_tags"));
        assertEquals("users", inspector.movedTableIn("update users set name = 'x'"));
        assertEquals("users", inspector.movedTableIn("update \"Users\" set name = 'x'"));
        assertEquals("users", inspector.movedTableIn("delete from public.users where id = 1"));
        assertEquals("user_tags", inspector.movedTableIn("insert into user_tags (user_id, tag) values (1, 'a')"));
        assertNull(inspector.movedTableIn("update users_archive set name = 'x'"));
        assertNull(inspector.movedTableIn("insert into bulk_audit values (1)"));
        assertNull(inspector.movedTableIn("update my_users set n = 1"));
    }
}
