package io.github.shardingorm.cache;

import io.github.shardingorm.internal.config.Defaults;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a sharded persistence unit caches, immutable; given to {@code ShardedPersistenceBuilder.cache(..)}.
 * Nothing is cached unless named here (or annotated {@code @Cacheable} / {@code @Cache} on an entity
 * while {@link Builder#secondLevel()} is on).
 *
 * <pre>{@code
 * CacheConfig.builder()
 *     .entity(User.class, 50_000, Duration.ofMinutes(10))   // Hibernate's second-level cache, read-write
 *     .region("com.example.User.posts", 20_000, Duration.ofMinutes(5))  // a collection's region
 *     .queryCache(true)                                      // cacheable queries (per shard)
 *     .cacheAside(User.class, 100_000, Duration.ofMinutes(1)) // findById: a hit touches no shard
 *     .build();
 * }</pre>
 *
 * <p>Every entry is keyed by shard as well as by id: the same id on two shards is two entries. A
 * write committed in one instance evicts the entry in every other instance of the same shards
 * ({@link Invalidation}). Regions not sized here take {@link Builder#defaults(long, Duration)}
 * (default 10,000 entries, 10 minutes after write).
 */
public final class CacheConfig {

    /**
     * Size and expiry of one region.
     *
     * @param maximumEntries entries kept at most (least recently or frequently used dropped first), &ge; 1
     * @param timeToLive     how long an entry lives after it was written, &gt; 0
     */
    public record Region(long maximumEntries, Duration timeToLive) {

        public Region {
            Objects.requireNonNull(timeToLive, "time to live");
            if (maximumEntries < 1) {
                throw new IllegalArgumentException("maximum entries of a cache region must be at least 1 but was " + maximumEntries);
            }
            if (timeToLive.isNegative() || timeToLive.isZero()) {
                throw new IllegalArgumentException("time to live of a cache region must be positive but was " + timeToLive);
            }
        }
    }

    /** Invalidation across instances (PostgreSQL LISTEN/NOTIFY on every shard). */
    public enum Invalidation {
        /** On when every shard is PostgreSQL (default); off otherwise, for a single instance. */
        AUTO,
        /** On; start-up fails when a shard cannot listen. */
        ENABLED,
        /** Off: only for a single instance (another instance's writes are seen only after expiry). */
        DISABLED
    }

    private static final CacheConfig DISABLED = new Builder().build();

    private final boolean secondLevel;
    private final Map<Class<?>, Region> entities;
    private final Map<Class<?>, Region> cacheAside;
    private final Map<String, Region> regions;
    private final Region defaults;
    private final boolean queryCache;
    private final String provider;
    private final Invalidation invalidation;

    private CacheConfig(Builder b) {
        this.secondLevel = b.secondLevel || !b.entities.isEmpty() || Boolean.TRUE.equals(b.queryCache);
        this.entities = Collections.unmodifiableMap(new LinkedHashMap<>(b.entities));
        this.cacheAside = Collections.unmodifiableMap(new LinkedHashMap<>(b.cacheAside));
        this.regions = Collections.unmodifiableMap(new LinkedHashMap<>(b.regions));
        this.defaults = b.defaults != null ? b.defaults
                : new Region(Defaults.CACHE_MAXIMUM_ENTRIES, Duration.ofMillis(Defaults.CACHE_TIME_TO_LIVE_MILLIS));
        this.queryCache = Boolean.TRUE.equals(b.queryCache);
        this.provider = b.provider != null ? b.provider : Defaults.CACHE_PROVIDER;
        this.invalidation = b.invalidation != null ? b.invalidation : Defaults.CACHE_INVALIDATION;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Caches nothing (the default of a unit). */
    public static CacheConfig disabled() {
        return DISABLED;
    }

    /** Whether anything is cached. */
    public boolean enabled() {
        return secondLevel || !cacheAside.isEmpty();
    }

    /** Whether Hibernate's second-level cache is on. */
    public boolean secondLevel() {
        return secondLevel;
    }

    /** Entities put in the second-level cache (read-write), with their region (null: sized by {@link #region(String)}). */
    public Map<Class<?>, Region> entities() {
        return entities;
    }

    /** Entities whose keyed {@code findById} reads go through the cache-aside, with their size. */
    public Map<Class<?>, Region> cacheAside() {
        return cacheAside;
    }

    /** Regions sized by name. */
    public Map<String, Region> regions() {
        return regions;
    }

    /** Size and expiry of regions not named. */
    public Region defaults() {
        return defaults;
    }

    /** The size and expiry of a region by name: its own, else the defaults. */
    public Region region(String name) {
        return regions.getOrDefault(name, defaults);
    }

    /** Whether queries marked cacheable are cached (per shard). */
    public boolean queryCache() {
        return queryCache;
    }

    /** The JCache {@code CachingProvider} class name. */
    public String provider() {
        return provider;
    }

    /** Invalidation across instances. */
    public Invalidation invalidation() {
        return invalidation;
    }

    @Override
    public String toString() {
        return "CacheConfig{secondLevel=" + secondLevel + ", entities=" + entities.keySet() + ", cacheAside=" + cacheAside.keySet()
                + ", queryCache=" + queryCache + ", provider=" + provider + ", invalidation=" + invalidation + "}";
    }

    /**
     * Builds a {@link CacheConfig}. Each call checks its argument at once; a value set twice is
     * refused with the value already set.
     */
    public static final class Builder {

        private boolean secondLevel;
        private final Map<Class<?>, Region> entities = new LinkedHashMap<>();
        private final Map<Class<?>, Region> cacheAside = new LinkedHashMap<>();
        private final Map<String, Region> regions = new LinkedHashMap<>();
        private final Set<String> named = new LinkedHashSet<>();
        private Region defaults;
        private Boolean queryCache;
        private String provider;
        private Invalidation invalidation;

        private Builder() {
        }

        /**
         * Turns Hibernate's second-level cache on for the entities annotated {@code @Cacheable} or
         * {@code @Cache} (implied by {@link #entity} and {@link #queryCache(boolean) queryCache(true)}).
         */
        public Builder secondLevel() {
            secondLevel = true;
            return this;
        }

        /** Puts an entity in the second-level cache (read-write) with the default region size. */
        public Builder entity(Class<?> entityClass) {
            Objects.requireNonNull(entityClass, "entity class");
            if (entities.containsKey(entityClass)) {
                throw alreadyCached(entityClass);
            }
            entities.put(entityClass, null);
            return this;
        }

        /**
         * Puts an entity in the second-level cache (read-write), its region (named after the class)
         * sized as given.
         */
        public Builder entity(Class<?> entityClass, long maximumEntries, Duration timeToLive) {
            Objects.requireNonNull(entityClass, "entity class");
            Region region = new Region(maximumEntries, timeToLive);
            if (entities.containsKey(entityClass)) {
                throw alreadyCached(entityClass);
            }
            entities.put(entityClass, region);
            region(entityClass.getName(), maximumEntries, timeToLive);
            return this;
        }

        private IllegalStateException alreadyCached(Class<?> entityClass) {
            return new IllegalStateException("entity " + entityClass.getName() + " was already cached with "
                    + (entities.get(entityClass) == null ? "the default region" : entities.get(entityClass)));
        }

        /**
         * Sizes a region by name: an entity region (its class name, or {@code @Cache(region=..)}), a
         * collection's ({@code com.example.User.posts}), a natural-id region
         * ({@code com.example.User##NaturalId}) or the query results region
         * ({@code default-query-results-region}).
         */
        public Builder region(String name, long maximumEntries, Duration timeToLive) {
            Objects.requireNonNull(name, "region name");
            Region region = new Region(maximumEntries, timeToLive);
            if (!named.add(name)) {
                throw new IllegalStateException("cache region '" + name + "' was already set to " + regions.get(name));
            }
            regions.put(name, region);
            return this;
        }

        /** Size and expiry of every region not sized by name. Default 10,000 entries, 10 minutes. */
        public Builder defaults(long maximumEntries, Duration timeToLive) {
            Region region = new Region(maximumEntries, timeToLive);
            if (defaults != null) {
                throw new IllegalStateException("cache defaults were already set to " + defaults);
            }
            defaults = region;
            return this;
        }

        /** Caches the results of queries marked cacheable, per shard. Default off. */
        public Builder queryCache(boolean on) {
            if (queryCache != null) {
                throw new IllegalStateException("query cache was already set to " + queryCache);
            }
            queryCache = on;
            return this;
        }

        /** Serves {@code findById} of an entity from a cache-aside with the default size. */
        public Builder cacheAside(Class<?> entityClass) {
            return cacheAside(entityClass, Defaults.CACHE_MAXIMUM_ENTRIES, Duration.ofMillis(Defaults.CACHE_TIME_TO_LIVE_MILLIS));
        }

        /**
         * Serves keyed {@code findById} of an entity from a cache-aside: a hit touches no shard and
         * returns a fresh detached copy. Entities with association or collection attributes are refused
         * at start-up (their detached references cannot be copied safely).
         */
        public Builder cacheAside(Class<?> entityClass, long maximumEntries, Duration timeToLive) {
            Objects.requireNonNull(entityClass, "entity class");
            Region region = new Region(maximumEntries, timeToLive);
            if (cacheAside.containsKey(entityClass)) {
                throw new IllegalStateException("cache-aside of " + entityClass.getName() + " was already set to " + cacheAside.get(entityClass));
            }
            cacheAside.put(entityClass, region);
            return this;
        }

        /**
         * The JCache provider: a {@code javax.cache.spi.CachingProvider} class name. Default Caffeine's
         * ({@code com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider}). Start-up checks that
         * it keeps entries of two shards apart.
         */
        public Builder provider(String cachingProviderClassName) {
            Objects.requireNonNull(cachingProviderClassName, "caching provider class name");
            if (provider != null) {
                throw new IllegalStateException("cache provider was already set to " + provider);
            }
            provider = cachingProviderClassName;
            return this;
        }

        /** Invalidation across instances; default {@link Invalidation#AUTO}. */
        public Builder invalidation(Invalidation mode) {
            Objects.requireNonNull(mode, "invalidation");
            if (invalidation != null) {
                throw new IllegalStateException("cache invalidation was already set to " + invalidation);
            }
            invalidation = mode;
            return this;
        }

        /** The configuration. */
        public CacheConfig build() {
            return new CacheConfig(this);
        }
    }
}
