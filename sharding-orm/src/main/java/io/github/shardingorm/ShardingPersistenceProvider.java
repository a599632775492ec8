package io.github.shardingorm;

import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceConfiguration;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.PersistenceUnitTransactionType;
import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.PersistenceProvider;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.ProviderUtil;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.jpa.HibernatePersistenceProvider;
import org.hibernate.jpa.boot.spi.PersistenceUnitDescriptor;
import org.hibernate.jpa.boot.spi.PersistenceXmlParser;

/**
 * The standard bootstrap: a Jakarta Persistence provider that turns a persistence unit into a
 * sharded one, so that {@code Persistence.createEntityManagerFactory("unit")} gives the
 * {@code EntityManagerFactory} of a {@link ShardedPersistence} (its {@code unwrap(ShardedPersistence.class)}
 * returns the unit). It handles only the units that name it:
 *
 * <pre>{@code
 * <persistence-unit name="shop">
 *   <provider>io.github.shardingorm.ShardingPersistenceProvider</provider>
 *   <class>com.example.User</class>
 *   <properties>
 *     <property name="sharding.shards" value="s0,s1"/>
 *     <property name="sharding.shard.s0.url" value="jdbc:postgresql://db0/shop"/>
 *     <property name="sharding.shard.s1.url" value="jdbc:postgresql://db1/shop"/>
 *     <property name="sharding.strategy" value="hash"/>
 *   </properties>
 * </persistence-unit>
 * }</pre>
 *
 * <p>The unit's properties, overridden by the map given to {@code createEntityManagerFactory}, are the
 * properties form ({@link ShardingSettings}); the unit's {@code <class>} entries join
 * {@code sharding.entities}, its {@code <validation-mode>} and {@code <shared-cache-mode>} are
 * honoured. Transactions are resource-local, per shard: a JTA unit or a unit data source is refused
 * (shards name their own databases or DataSources). Every other unit is left to its own provider
 * (this provider answers null), so nothing changes for the application's other units.
 */
public final class ShardingPersistenceProvider implements PersistenceProvider {

    private final HibernatePersistenceProvider hibernate = new HibernatePersistenceProvider();

    @Override
    public EntityManagerFactory createEntityManagerFactory(String unitName, Map<?, ?> map) {
        Map<?, ?> overrides = map == null ? Map.of() : map;
        PersistenceXmlParser parser = PersistenceXmlParser.create(overrides, null, null);
        List<URL> urls = new ArrayList<>(parser.getClassLoaderService().locateResources("META-INF/persistence.xml"));
        if (urls.isEmpty()) {
            return null;
        }
        for (PersistenceUnitDescriptor unit : parser.parse(urls).values()) {
            if ((unitName == null || unit.getName().equals(unitName)) && isOurs(unit.getProviderClassName(), overrides)) {
                if (unit.getPersistenceUnitTransactionType() == PersistenceUnitTransactionType.JTA || unit.getJtaDataSource() != null) {
                    throw refused(unit.getName(), "is a JTA unit; sharding-orm's transactions are resource-local, one per shard"
                            + " (declare transaction-type=\"RESOURCE_LOCAL\"; cross-shard writes use sagas or orm.atomically)");
                }
                if (unit.getNonJtaDataSource() != null) {
                    throw refused(unit.getName(), "names a non-jta-data-source; each shard names its own database"
                            + " (sharding.shard.<id>.url) or DataSource (sharding.shard.<id>.datasource)");
                }
                return start(unit.getName(), unit.getProperties(), unit.getManagedClassNames(), unit.getValidationMode(),
                        unit.getSharedCacheMode(), overrides);
            }
        }
        return null;
    }

    @Override
    public EntityManagerFactory createEntityManagerFactory(PersistenceConfiguration configuration) {
        if (!isOurs(configuration.provider(), Map.of())) {
            return null;
        }
        List<String> classes = configuration.managedClasses().stream().map(Class::getName).toList();
        return start(configuration.name(), configuration.properties(), classes, configuration.validationMode(),
                configuration.sharedCacheMode(), Map.of());
    }

    @Override
    public EntityManagerFactory createContainerEntityManagerFactory(PersistenceUnitInfo info, Map<?, ?> map) {
        if ("JTA".equals(String.valueOf(info.getTransactionType()))) {
            throw refused(info.getPersistenceUnitName(), "is a JTA unit; sharding-orm's transactions are resource-local, one per shard");
        }
        return start(info.getPersistenceUnitName(), info.getProperties(), info.getManagedClassNames(), info.getValidationMode(),
                info.getSharedCacheMode(), map == null ? Map.of() : map);
    }

    @Override
    public void generateSchema(PersistenceUnitInfo info, Map<?, ?> map) {
        throw new UnsupportedOperationException("sharding-orm applies the schema to every shard at start-up: set sharding.schema-action");
    }

    @Override
    public boolean generateSchema(String unitName, Map<?, ?> map) {
        throw new UnsupportedOperationException("sharding-orm applies the schema to every shard at start-up: set sharding.schema-action");
    }

    @Override
    public ProviderUtil getProviderUtil() {
        return hibernate.getProviderUtil();
    }

    private static boolean isOurs(String providerClassName, Map<?, ?> overrides) {
        Object requested = overrides.get("jakarta.persistence.provider");
        String name = requested != null ? requested.toString() : providerClassName;
        return ShardingPersistenceProvider.class.getName().equals(name == null ? null : name.trim());
    }

    private static EntityManagerFactory start(String unitName, Map<?, ?> unitProperties, List<String> classes, ValidationMode validation,
                                              SharedCacheMode cacheMode, Map<?, ?> overrides) {
        Map<Object, Object> properties = new LinkedHashMap<>();
        if (validation != null) {
            properties.put("jakarta.persistence.validation.mode", validation.name());
        }
        if (cacheMode != null && cacheMode != SharedCacheMode.UNSPECIFIED) {
            properties.put("jakarta.persistence.sharedCache.mode", cacheMode.name());
        }
        if (unitProperties != null) {
            properties.putAll(unitProperties);
        }
        properties.putAll(overrides);
        properties.remove("jakarta.persistence.provider");
        Set<String> entities = new LinkedHashSet<>(classes == null ? List.of() : classes);
        Object listed = properties.get(ShardingSettings.ENTITIES);
        if (listed != null) {
            for (String name : listed.toString().split(",")) {
                if (!name.isBlank()) {
                    entities.add(name.trim());
                }
            }
        }
        if (!entities.isEmpty()) {
            properties.put(ShardingSettings.ENTITIES, String.join(",", entities));
        }
        try {
            return ShardedPersistence.fromProperties(properties).unwrap(EntityManagerFactory.class);
        } catch (ShardingConfigurationException e) {
            throw new ShardingConfigurationException(List.of("persistence unit '" + unitName + "': " + e.getMessage()), e);
        }
    }

    private static PersistenceException refused(String unitName, String why) {
        return new ShardingConfigurationException(List.of("persistence unit '" + unitName + "' " + why));
    }
}
