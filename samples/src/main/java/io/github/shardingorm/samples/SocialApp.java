package io.github.shardingorm.samples;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The sample application's entry point (the README's run command starts it).
 *
 * <p>For now it opens a few in-memory H2 databases as shards and prints them; the user/post
 * social app replaces this once routing and fan-out queries land.
 */
public final class SocialApp {

    private static final int SHARDS = 4;

    private SocialApp() {
    }

    public static void main(String[] args) throws SQLException {
        System.out.println("sharding-orm sample: " + SHARDS + " in-memory H2 shards");
        for (int i = 0; i < SHARDS; i++) {
            String url = "jdbc:h2:mem:shard" + i + ";DB_CLOSE_DELAY=-1";
            try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                DatabaseMetaData md = c.getMetaData();
                System.out.printf("  s%d  %-40s %s %s%n", i, url, md.getDatabaseProductName(), md.getDatabaseProductVersion());
            }
        }
    }
}
