package io.github.shardingorm.internal.config;

import java.util.regex.Pattern;

/** Masks secrets in JDBC URLs before they reach a log line or an exception message. */
public final class JdbcUrls {

    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("(?i)(password|pwd|sslpassword)=([^&;]*)");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]+):([^@/]*)@");

    private JdbcUrls() {
    }

    /** The URL with every password replaced by {@code ****}; null stays null. */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1=****");
        return USER_INFO.matcher(masked).replaceAll("$1:****@");
    }
}
