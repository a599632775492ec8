package io.github.shardingorm.test;

import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedPersistence;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.AbstractEntityPersister;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Checks, straight through JDBC on every shard database, that each row of each sharded entity
 * sits on the shard its key routes to. Use it after writes in integration tests:
 *
 * <pre>{@code
 * ShardPlacement.Report report = ShardPlacement.check(orm, shards);
 * report.assertAllPlaced();
 * }</pre>
 *
 * <p>The key column of each entity is read from Hibernate's mapping; keys are routed with
 * {@link ShardedPersistence#shardOf(Object)}.
 */
public final class ShardPlacement {

    private ShardPlacement() {
    }

    /**
     * Reads every sharded table on every shard.
     *
     * @param orm    the persistence unit; its shard ids must match the databases' ids
     * @param shards the databases behind it
     * @return what was found; never null
     * @throws PostgresTestException when a database cannot be read
     */
    public static Report check(ShardedPersistence orm, ShardDatabases shards) {
        SessionFactoryImplementor sf = orm.sessionFactory().unwrap(SessionFactoryImplementor.class);
        Map<String, Map<String, Long>> rows = new LinkedHashMap<>();
        List<String> misplaced = new ArrayList<>();
        for (EntityPersister persister : sf.getMappingMetamodel().streamEntityDescriptors().toList()) {
            Class<?> type = persister.getMappedClass();
            String keyAttribute = keyAttribute(type);
            if (keyAttribute == null || !(persister instanceof AbstractEntityPersister aep)) {
                continue;
            }
            String table = aep.getTableName();
            String column = keyAttribute.equals(aep.getIdentifierPropertyName())
                    ? aep.getIdentifierColumnNames()[0]
                    : aep.getPropertyColumnNames(keyAttribute)[0];
            Map<String, Long> perShard = rows.computeIfAbsent(persister.getJpaEntityName(), e -> new LinkedHashMap<>());
            for (ShardDatabase db : shards) {
                long count = 0;
                try (Connection c = db.connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("select " + column + " from " + table)) {
                    while (rs.next()) {
                        count++;
                        Object key = rs.getObject(1);
                        String expected = route(orm, key);
                        if (!db.id().equals(expected)) {
                            misplaced.add(persister.getJpaEntityName() + " with " + keyAttribute + "=" + key + " is on shard '"
                                    + db.id() + "' but routes to '" + expected + "'");
                        }
                    }
                } catch (SQLException e) {
                    throw new PostgresTestException("cannot read " + table + " on shard '" + db.id() + "': " + e.getMessage(), e);
                }
                perShard.put(db.id(), count);
            }
        }
        return new Report(rows, misplaced);
    }

    private static String route(ShardedPersistence orm, Object key) {
        try {
            return orm.shardOf(key);
        } catch (ShardRoutingException e) {
            return "<unroutable: " + e.getMessage() + ">";
        }
    }

    /** The entity's @ShardKey attribute, read the way the library reads it; null for entities without one (reference tables). */
    private static String keyAttribute(Class<?> type) {
        java.util.Map<Class<?>, io.github.shardingorm.internal.routing.ShardedEntityModel> models =
                io.github.shardingorm.internal.routing.EntityModelScanner.scan(List.of(type), true, 1, new ArrayList<>());
        io.github.shardingorm.internal.routing.ShardedEntityModel model = models.get(type);
        return model == null ? null : model.keyAttribute();
    }

    /**
     * What {@link #check} found.
     *
     * @param rowsPerShard entity name &rarr; shard id &rarr; row count
     * @param misplaced    one line per row that sits on a shard its key does not route to
     */
    public record Report(Map<String, Map<String, Long>> rowsPerShard, List<String> misplaced) {

        /** Rows of {@code entityName} on {@code shardId} (0 when none). */
        public long rows(String entityName, String shardId) {
            return rowsPerShard.getOrDefault(entityName, Map.of()).getOrDefault(shardId, 0L);
        }

        /** Rows of {@code entityName} on all shards. */
        public long totalRows(String entityName) {
            return rowsPerShard.getOrDefault(entityName, Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }

        /** @throws AssertionError listing every misplaced row (at most 20) */
        public void assertAllPlaced() {
            if (!misplaced.isEmpty()) {
                throw new AssertionError(misplaced.size() + " rows sit on the wrong shard:\n  "
                        + String.join("\n  ", misplaced.subList(0, Math.min(20, misplaced.size()))));
            }
        }
    }
}
