package io.github.shardingorm.internal.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class JdbcUrlsTest {

    @Test
    void mask_hidesPasswordQueryParameter() {
        assertEquals("jdbc:postgresql://db0:5432/app?user=app&password=****&ssl=true",
                JdbcUrls.mask("jdbc:postgresql://db0:5432/app?user=app&password=s3cr3t-pw&ssl=true"));
    }

    @Test
    void mask_hidesPasswordParameterInAnyCase_keepingTheNameAsWritten() {
        assertEquals("jdbc:postgresql://db/app?PASSWORD=****", JdbcUrls.mask("jdbc:postgresql://db/app?PASSWORD=s3cr3t-pw"));
        assertEquals("jdbc:postgresql://db/app?Password=****&x=1", JdbcUrls.mask("jdbc:postgresql://db/app?Password=s3cr3t-pw&x=1"));
    }

    @Test
    void mask_hidesPwdAndSslPasswordAndSemicolonSeparatedPasswords() {
        assertEquals("jdbc:x://h/d?pwd=****", JdbcUrls.mask("jdbc:x://h/d?pwd=s3cr3t-pw"));
        assertEquals("jdbc:postgresql://h/d?sslpassword=****&sslmode=verify-full",
                JdbcUrls.mask("jdbc:postgresql://h/d?sslpassword=s3cr3t-pw&sslmode=verify-full"));
        assertEquals("jdbc:sqlserver://h:1433;databaseName=app;password=****;encrypt=true",
                JdbcUrls.mask("jdbc:sqlserver://h:1433;databaseName=app;password=s3cr3t-pw;encrypt=true"));
    }

    @Test
    void mask_hidesEveryPasswordParameter() {
        String masked = JdbcUrls.mask("jdbc:postgresql://h/d?password=one-pw&sslpassword=two-pw");
        assertFalse(masked.contains("one-pw"), masked);
        assertFalse(masked.contains("two-pw"), masked);
    }

    @Test
    void mask_hidesPasswordInUserInfo() {
        assertEquals("jdbc:postgresql://app:****@db0:5432/app", JdbcUrls.mask("jdbc:postgresql://app:s3cr3t-pw@db0:5432/app"));
        assertEquals("jdbc:postgresql://app:****@db0/app?password=****",
                JdbcUrls.mask("jdbc:postgresql://app:s3cr3t-pw@db0/app?password=other"));
    }

    @Test
    void mask_leavesUrlsWithoutPasswordsUnchanged() {
        for (String url : new String[] {
                "jdbc:postgresql://db0:5432/app",
                "jdbc:postgresql://db0:5432/app?user=app&ssl=true",
                "jdbc:postgresql://h1:5432,h2:5432/app?targetServerType=primary",
                "jdbc:postgresql://db0/app?user=someone@example.com",
                "jdbc:postgresql://app@db0/app",
                "jdbc:h2:mem:test;DB_CLOSE_DELAY=-1",
                ""}) {
            assertEquals(url, JdbcUrls.mask(url));
        }
    }

    @Test
    void mask_keepsNull() {
        assertNull(JdbcUrls.mask(null));
    }
}
