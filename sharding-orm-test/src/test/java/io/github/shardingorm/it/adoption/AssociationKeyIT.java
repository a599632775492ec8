package io.github.shardingorm.it.adoption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.it.adoption.model.Book;
import io.github.shardingorm.it.adoption.model.Review;
import io.github.shardingorm.it.adoption.model.Writer;
import io.github.shardingorm.query.UnsupportedShardQueryException;
import io.github.shardingorm.test.PostgresShards;
import io.github.shardingorm.test.ShardDatabase;
import io.github.shardingorm.test.ShardDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A {@code @ManyToOne} to the parent as the shard key (issue 13 part 4), on 4 real PostgreSQL shards
 * with a fifth, unsharded database as the oracle holding the same rows: save, navigate, keyed and
 * fan-out queries along the association (join fetch, implicit join, the inverse collection) give the
 * oracle's answers; a join that is truly not co-located is refused in the user's own words.
 */
@PostgresShards(count = 5)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AssociationKeyIT {

    private ShardedPersistence orm;
    private SessionFactory oracle;
    private ShardDatabases dbs;

    @BeforeAll
    void start(ShardDatabases all) {
        dbs = all;
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (ShardDatabase db : all.list().subList(0, 4)) {
            builder.shard(db.id(), db.jdbcUrl(), db.username(), db.password());
        }
        orm = builder.entities(Writer.class, Book.class, Review.class).schema(SchemaAction.CREATE).maximumPoolSize(3).build();
        ShardDatabase o = all.get(4);
        oracle = new MetadataSources(new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.url", o.jdbcUrl())
                .applySetting("hibernate.connection.username", o.username())
                .applySetting("hibernate.connection.password", o.password())
                .applySetting("hibernate.hbm2ddl.auto", "create")
                .build())
                .addAnnotatedClass(Writer.class).addAnnotatedClass(Book.class).addAnnotatedClass(Review.class)
                .buildMetadata().buildSessionFactory();
        long bookId = 1;
        for (long w = 1; w <= 30; w++) {
            Writer writer = new Writer(w, "writer " + (char) ('a' + (w % 26)) + w);
            List<Book> books = new ArrayList<>();
            for (int i = 0; i < (int) (w % 4) + 1; i++) {
                books.add(new Book(bookId++, writer, "title " + (bookId * 7 % 13) + " of " + w));
            }
            long key = w;
            orm.inTransaction(key, s -> {
                s.persist(writer);
                books.forEach(s::persist);
            });
            oracle.inTransaction(s -> {
                Writer copy = new Writer(key, writer.getName());
                s.persist(copy);
                books.forEach(b -> s.persist(new Book(b.getId(), copy, b.getTitle())));
            });
        }
        // Saved through the repository too: the key is read off the (detached) parent.
        Writer w31 = new Writer(31L, "writer thirty-one");
        orm.repository(Writer.class).save(w31);
        orm.repository(Book.class).save(new Book(1000L, w31, "title by repository"));
        oracle.inTransaction(s -> {
            Writer copy = new Writer(31L, "writer thirty-one");
            s.persist(copy);
            s.persist(new Book(1000L, copy, "title by repository"));
        });
    }

    @AfterAll
    void stop() {
        if (orm != null) {
            orm.close();
        }
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void booksLiveWithTheirWriter_inTheForeignKeyColumnOnly() throws SQLException {
        for (long w = 1; w <= 31; w++) {
            assertEquals(List.of(orm.shardOf(w)), holders("select 1 from writers where id = ?", w), "writer " + w);
            assertEquals(List.of(orm.shardOf(w)), holders("select 1 from books where writer_id = ?", w), "books of writer " + w);
        }
        try (Connection c = dbs.get(0).connect(); PreparedStatement ps = c.prepareStatement(
                "select column_name from information_schema.columns where table_name = 'books' order by column_name");
             ResultSet rs = ps.executeQuery()) {
            List<String> columns = new ArrayList<>();
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
            assertEquals(List.of("id", "title", "writer_id"), columns, "no duplicate key column");
        }
    }

    @Test
    void navigatesFromBookToWriterAndBack() {
        String name = orm.fromTransaction(7L, s -> s.find(Book.class, orm.query("select b.id from Book b where b.writer.id = 7", Long.class)
                .list().get(0)).getWriter().getName());
        assertEquals(oracle.fromTransaction(s -> s.find(Writer.class, 7L).getName()), name);
        int books = orm.fromTransaction(7L, s -> s.find(Writer.class, 7L).getBooks().size());
        int expected = oracle.fromTransaction(s -> s.find(Writer.class, 7L).getBooks().size());
        assertEquals(expected, books);
    }

    @Test
    void aKeyedQueryOnTheAssociationRunsOnOneShard() {
        var query = orm.query("select b.title from Book b where b.writer.id = :w order by b.title", String.class).param("w", 11L);
        assertEquals(1, query.targetShards().size(), query.targetShards().toString());
        assertEquals(oracleList("select b.title from Book b where b.writer.id = 11 order by b.title", String.class), query.list());
    }

    @Test
    void fanOutJoinsAlongTheAssociationAreCoLocated() {
        String fetch = "select b from Book b join fetch b.writer order by b.id";
        List<String> sharded = orm.query(fetch, Book.class).list().stream().map(b -> b.getId() + ":" + b.getWriter().getName()).toList();
        List<String> expected = oracle.fromTransaction(s -> s.createSelectionQuery(fetch, Book.class).getResultList().stream()
                .map(b -> b.getId() + ":" + b.getWriter().getName()).toList());
        assertEquals(expected, sharded);

        String implicit = "select b.title, b.writer.name from Book b order by b.title, b.writer.name";
        assertEquals(rows(oracleList(implicit, Object[].class)), rows(orm.query(implicit, Object[].class).list()));

        String aliased = "select w.name, b.title from Book b join b.writer w where w.name like 'writer b%' order by b.title desc, w.name";
        assertEquals(rows(oracleList(aliased, Object[].class)), rows(orm.query(aliased, Object[].class).list()));

        String inverse = "select w.name, count(b) from Writer w join w.books b group by w.name order by count(b) desc, w.name";
        assertEquals(rows(oracleList(inverse, Object[].class)), rows(orm.query(inverse, Object[].class).list()));
    }

    @Test
    void aJoinThatIsNotCoLocatedIsRefusedInTheUsersOwnWords() {
        UnsupportedShardQueryException aliased = assertThrows(UnsupportedShardQueryException.class,
                () -> orm.query("select r from Review r join r.book bk order by r.id", Review.class).list());
        assertTrue(aliased.getMessage().contains("bk.writer.id = r.reviewerId"), aliased.getMessage());
        UnsupportedShardQueryException unaliased = assertThrows(UnsupportedShardQueryException.class,
                () -> orm.query("select r from Review r join fetch r.book order by r.id", Review.class).list());
        assertTrue(unaliased.getMessage().contains("r.book.writer.id = r.reviewerId"), unaliased.getMessage());
        assertFalse(unaliased.getMessage().matches("(?s).*\\b(alias|_)\\d+.*"), "no generated alias: " + unaliased.getMessage());
    }

    @Test
    void changingTheParentOfAPersistentBookIsRefused() {
        long[] two = {3, 4};
        while (orm.shardOf(two[1]).equals(orm.shardOf(two[0]))) {
            two[1]++;
        }
        ShardRoutingException e = assertThrows(ShardRoutingException.class, () -> orm.inTransaction(two[0], s -> {
            Book book = s.createSelectionQuery("from Book b where b.writer.id = :w", Book.class).setParameter("w", two[0])
                    .setMaxResults(1).getSingleResult();
            book.setWriter(s.getReference(Writer.class, two[1]));
        }));
        assertTrue(e.getMessage().contains("writer"), e.getMessage());
    }

    private <R> List<R> oracleList(String jpql, Class<R> type) {
        return oracle.fromTransaction(s -> s.createSelectionQuery(jpql, type).getResultList());
    }

    private static List<String> rows(List<?> rows) {
        return rows.stream().map(r -> r instanceof Object[] a ? Arrays.toString(a) : String.valueOf(r)).toList();
    }

    private List<String> holders(String sql, Object arg) throws SQLException {
        List<String> holders = new ArrayList<>();
        for (ShardDatabase db : dbs.list().subList(0, 4)) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        holders.add(db.id());
                    }
                }
            }
        }
        return holders;
    }
}
