package io.github.shardingorm.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.BatchSettings;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.cfg.SchemaToolingSettings;

/**
 * The baseline: plain Hibernate ORM (native bootstrap) on ONE database with ONE HikariCP pool,
 * with the Hibernate settings sharding-orm applies by default (JDBC batch size 50, ordered
 * inserts/updates, pool connections with auto-commit off) and the same pool settings.
 */
final class PlainHibernateStack implements CrudStack {

    private final HikariDataSource dataSource;
    private final SessionFactory sessionFactory;

    PlainHibernateStack(String database, int poolSize) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("plain-hibernate");
        hc.setJdbcUrl(BenchDatabases.url(database));
        hc.setUsername(BenchDatabases.USER);
        if (BenchDatabases.PASSWORD != null) {
            hc.setPassword(BenchDatabases.PASSWORD);
        }
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(poolSize);
        hc.setConnectionTimeout(2000);
        hc.setAutoCommit(false);
        dataSource = new HikariDataSource(hc);
        try {
            StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                    .applySetting(JdbcSettings.DATASOURCE, dataSource)
                    .applySetting(JdbcSettings.CONNECTION_PROVIDER_DISABLES_AUTOCOMMIT, true)
                    .applySetting(BatchSettings.STATEMENT_BATCH_SIZE, 50)
                    .applySetting(BatchSettings.ORDER_INSERTS, true)
                    .applySetting(BatchSettings.ORDER_UPDATES, true)
                    .applySetting(SchemaToolingSettings.HBM2DDL_AUTO, "create")
                    .build();
            sessionFactory = new MetadataSources(registry).addAnnotatedClass(BenchUser.class).buildMetadata().buildSessionFactory();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    @Override
    public void insert(BenchUser user) {
        sessionFactory.inTransaction(session -> session.persist(user));
    }

    @Override
    public BenchUser save(BenchUser user) {
        return sessionFactory.fromTransaction(session -> session.merge(user));
    }

    @Override
    public BenchUser findById(long id) {
        return sessionFactory.fromTransaction(session -> session.find(BenchUser.class, id));
    }

    @Override
    public void load(List<BenchUser> all) {
        sessionFactory.inTransaction(session -> all.forEach(session::persist));
    }

    @Override
    public void close() {
        try {
            sessionFactory.close();
        } finally {
            dataSource.close();
        }
    }
}
