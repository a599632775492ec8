package io.github.shardingorm.test.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void withDatabaseReplacesOnlyTheDatabase() {
        assertEquals("jdbc:postgresql://127.0.0.1:5432/shorm_a_0",
                JdbcUrls.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres", "shorm_a_0"));
    }

    @Test
    void withDatabaseKeepsHostsAndParameters() {
        assertEquals("jdbc:postgresql://h1:5432,h2:5433/shorm_a_1?sslmode=disable&targetServerType=primary",
                JdbcUrls.withDatabase("jdbc:postgresql://h1:5432,h2:5433/postgres?sslmode=disable&targetServerType=primary", "shorm_a_1"));
    }

    @Test
    void withDatabaseAddsADatabaseToAUrlWithoutOne() {
        assertEquals("jdbc:postgresql://db/x", JdbcUrls.withDatabase("jdbc:postgresql://db", "x"));
        assertEquals("jdbc:postgresql://db/x?ssl=true", JdbcUrls.withDatabase("jdbc:postgresql://db/?ssl=true", "x"));
    }

    @Test
    void withDatabaseHandlesTheShortForm() {
        assertEquals("jdbc:postgresql:x?ssl=false", JdbcUrls.withDatabase("jdbc:postgresql:postgres?ssl=false", "x"));
    }

    @Test
    void withDatabaseRejectsOtherDriversWithoutShowingThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JdbcUrls.withDatabase("jdbc:mysql://db/x?user=a&password=secret", "y"));
        SourceResolverTest.assertContains(e.getMessage(), "password=****");
        assertEquals(-1, e.getMessage().indexOf("secret"));
    }

    @Test
    void maskHidesPasswordParameters() {
        assertEquals("jdbc:postgresql://db/x?user=a&password=****&ssl=true",
                JdbcUrls.mask("jdbc:postgresql://db/x?user=a&password=s3cr3t&ssl=true"));
        assertEquals("jdbc:postgresql://db/x?PASSWORD=****", JdbcUrls.mask("jdbc:postgresql://db/x?PASSWORD=p"));
    }
}
