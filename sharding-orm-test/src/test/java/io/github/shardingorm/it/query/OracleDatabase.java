package io.github.shardingorm.it.query;

import io.github.shardingorm.it.query.model.Article;
import io.github.shardingorm.it.query.model.Author;
import io.github.shardingorm.test.PostgresShardSupport;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;

/**
 * The one unsharded database the fan-out answers are checked against: the query model's tables
 * created by Hibernate, filled with a copy of every shard's rows.
 */
final class OracleDatabase implements AutoCloseable {

    private final ShardDatabases database;
    private final SessionFactory sessions;

    private OracleDatabase(ShardDatabases database, SessionFactory sessions) {
        this.database = database;
        this.sessions = sessions;
    }

    /** A new oracle holding a copy of the authors and articles of every shard. */
    static OracleDatabase copyOf(ShardDatabases shards) throws SQLException {
        ShardDatabases oracleDb = PostgresShardSupport.createDatabases(1);
        ShardDatabase db = oracleDb.get(0);
        var registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.url", db.jdbcUrl())
                .applySetting("hibernate.connection.username", db.username())
                .applySetting("hibernate.connection.password", db.password())
                .applySetting("hibernate.hbm2ddl.auto", "create")
                .build();
        SessionFactory sessions = new MetadataSources(registry).addAnnotatedClass(Article.class).addAnnotatedClass(Author.class)
                .buildMetadata().buildSessionFactory();
        OracleDatabase oracle = new OracleDatabase(oracleDb, sessions);
        try (Connection target = db.connect()) {
            for (ShardDatabase shard : shards) {
                copy(shard, target, "authors");
                copy(shard, target, "articles");
            }
        } catch (SQLException | RuntimeException e) {
            oracle.close();
            throw e;
        }
        return oracle;
    }

    private static void copy(ShardDatabase shard, Connection target, String table) throws SQLException {
        copy(shard.connect(), target, table);
    }

    /** Copies every row of {@code table} from {@code source} (closed afterwards) to {@code target}. */
    static void copy(Connection source, Connection target, String table) throws SQLException {
        try (source; ResultSet rs = source.createStatement().executeQuery("select * from " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder sql = new StringBuilder("insert into " + table + " (");
            for (int i = 1; i <= md.getColumnCount(); i++) {
                sql.append(i > 1 ? ", " : "").append(md.getColumnName(i));
            }
            sql.append(") values (").append("?, ".repeat(md.getColumnCount() - 1)).append("?)");
            try (PreparedStatement insert = target.prepareStatement(sql.toString())) {
                while (rs.next()) {
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        insert.setObject(i, rs.getObject(i));
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    SessionFactory sessions() {
        return sessions;
    }

    /** A plain JDBC connection to the oracle (the caller closes it). */
    Connection connect() throws SQLException {
        return database.get(0).connect();
    }

    @Override
    public void close() {
        sessions.close();
        database.close();
    }
}
