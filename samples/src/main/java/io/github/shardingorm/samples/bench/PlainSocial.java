package io.github.shardingorm.samples.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.shardingorm.samples.social.Follower;
import io.github.shardingorm.samples.social.Following;
import io.github.shardingorm.samples.social.Post;
import io.github.shardingorm.samples.social.User;
import java.time.Instant;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;

/**
 * The baseline: the same entities and queries through plain Hibernate on ONE database, with the
 * same HikariCP pool size and batch settings. A follow is one local transaction writing both rows.
 */
final class PlainSocial implements SocialOperations {

    private final HikariDataSource dataSource;
    private final SessionFactory sessionFactory;

    PlainSocial(String jdbcUrl, String user, String password, int poolSize, Class<?>... entities) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("plain-hibernate");
        hc.setJdbcUrl(jdbcUrl);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setAutoCommit(false);
        this.dataSource = new HikariDataSource(hc);
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                .applySetting(AvailableSettings.CONNECTION_PROVIDER_DISABLES_AUTOCOMMIT, true)
                .applySetting(AvailableSettings.STATEMENT_BATCH_SIZE, 50)
                .applySetting(AvailableSettings.ORDER_INSERTS, true)
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "create")
                .build();
        MetadataSources sources = new MetadataSources(registry);
        for (Class<?> entity : entities) {
            sources.addAnnotatedClass(entity);
        }
        this.sessionFactory = sources.buildMetadata().buildSessionFactory();
    }

    SessionFactory sessionFactory() {
        return sessionFactory;
    }

    @Override
    public String name() {
        return "plain Hibernate, 1 database";
    }

    @Override
    public void post(long author, String body) {
        sessionFactory.inTransaction(s -> s.persist(new Post(author, body, Instant.now())));
    }

    @Override
    public int timeline(long user) {
        return sessionFactory.fromTransaction(s -> {
            List<Long> followees = s.createQuery("select f.followeeId from Following f where f.followerId = :u", Long.class)
                    .setParameter("u", user).getResultList();
            if (followees.isEmpty()) {
                return 0;
            }
            return s.createQuery("select p from Post p where p.authorId in :authors order by p.createdAt desc, p.id desc", Post.class)
                    .setParameter("authors", followees).setMaxResults(20).getResultList().size();
        });
    }

    @Override
    public long profile(long user) {
        return sessionFactory.fromTransaction(s -> {
            s.setDefaultReadOnly(true);
            User u = s.find(User.class, user);
            if (u == null) {
                return 0L;
            }
            s.find(io.github.shardingorm.samples.social.Country.class, u.getCountryCode());
            long count = s.createQuery("select count(p) from Post p where p.authorId = :u", Long.class)
                    .setParameter("u", user).getSingleResult();
            s.createQuery("select count(f) from Follower f where f.followeeId = :u", Long.class)
                    .setParameter("u", user).getSingleResult();
            s.createQuery("select count(f) from Following f where f.followerId = :u", Long.class)
                    .setParameter("u", user).getSingleResult();
            s.createQuery("select p from Post p where p.authorId = :u order by p.createdAt desc, p.id desc", Post.class)
                    .setParameter("u", user).setMaxResults(5).getResultList();
            return count;
        });
    }

    @Override
    public void follow(long follower, long followee) {
        sessionFactory.inTransaction(s -> {
            Instant now = Instant.now();
            if (s.find(Following.class, new Following.Pk(follower, followee)) == null) {
                s.persist(new Following(follower, followee, now));
            }
            if (s.find(Follower.class, new Follower.Pk(followee, follower)) == null) {
                s.persist(new Follower(followee, follower, now));
            }
        });
    }

    @Override
    public void close() {
        sessionFactory.close();
        dataSource.close();
    }
}
