package io.github.shardingorm.test;

/**
 * Every setting that {@code sharding-orm-test} reads, in one place.
 *
 * <p>Each setting can be given as a JVM system property (checked first) or as an environment
 * variable. Both names are listed here; the {@code *_PROPERTY} constant is the system property,
 * the {@code *_ENV} constant the environment variable.
 *
 * <h2>Where shard databases come from</h2>
 * {@link PostgresShards @PostgresShards} and {@link PostgresShardSupport} create their databases
 * on the first source that is available, in this order:
 * <ol>
 *   <li>{@value #SOURCE_SERVER}: an existing server named by {@link #URL_ENV} / {@link #URL_PROPERTY};</li>
 *   <li>{@value #SOURCE_DOCKER}: a Testcontainers PostgreSQL container, when a Docker engine is reachable;</li>
 *   <li>{@value #SOURCE_BINARIES}: a private server started from local PostgreSQL binaries.</li>
 * </ol>
 * {@link #SOURCE_ENV} / {@link #SOURCE_PROPERTY} forces one of them. When none is available the test
 * fails (it is never skipped) with a message that says how to provide one.
 */
public final class PostgresTestSettings {

    /**
     * JDBC URL of an admin database on an existing server, for example
     * {@code jdbc:postgresql://127.0.0.1:5432/postgres}. The user needs the {@code CREATEDB}
     * privilege. No default: when unset, the existing-server source is not used.
     */
    public static final String URL_ENV = "SHARDING_ORM_TEST_PG_URL";
    /** System property form of {@link #URL_ENV}. */
    public static final String URL_PROPERTY = "shardingorm.test.pg.url";

    /** User for {@link #URL_ENV}. Default {@value #DEFAULT_USER}. */
    public static final String USER_ENV = "SHARDING_ORM_TEST_PG_USER";
    /** System property form of {@link #USER_ENV}. */
    public static final String USER_PROPERTY = "shardingorm.test.pg.user";
    /** Default user of an existing server, and the superuser of private servers. */
    public static final String DEFAULT_USER = "postgres";

    /** Password for {@link #URL_ENV}. Default: empty. Never logged or printed. */
    public static final String PASSWORD_ENV = "SHARDING_ORM_TEST_PG_PASSWORD";
    /** System property form of {@link #PASSWORD_ENV}. */
    public static final String PASSWORD_PROPERTY = "shardingorm.test.pg.password";

    /**
     * Forces the source of shard databases: {@value #SOURCE_SERVER}, {@value #SOURCE_DOCKER} or
     * {@value #SOURCE_BINARIES}. Default: unset, meaning the first available in that order.
     */
    public static final String SOURCE_ENV = "SHARDING_ORM_TEST_PG_SOURCE";
    /** System property form of {@link #SOURCE_ENV}. */
    public static final String SOURCE_PROPERTY = "shardingorm.test.pg.source";
    /** {@link #SOURCE_PROPERTY} value: the existing server of {@link #URL_PROPERTY}. */
    public static final String SOURCE_SERVER = "server";
    /** {@link #SOURCE_PROPERTY} value: a Testcontainers container. */
    public static final String SOURCE_DOCKER = "docker";
    /** {@link #SOURCE_PROPERTY} value: a private server from local binaries. */
    public static final String SOURCE_BINARIES = "binaries";

    /** Docker image for the Testcontainers source. Default {@value #DEFAULT_IMAGE}. */
    public static final String IMAGE_ENV = "SHARDING_ORM_TEST_PG_IMAGE";
    /** System property form of {@link #IMAGE_ENV}. */
    public static final String IMAGE_PROPERTY = "shardingorm.test.pg.image";
    /** Default of {@link #IMAGE_PROPERTY}. */
    public static final String DEFAULT_IMAGE = "postgres:15-alpine";

    /**
     * Directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}. Default: searched on
     * {@code PATH}, then under {@code /usr/lib/postgresql/<version>/bin} (newest first) and other
     * usual install locations.
     */
    public static final String BIN_ENV = "SHARDING_ORM_TEST_PG_BIN";
    /** System property form of {@link #BIN_ENV}. */
    public static final String BIN_PROPERTY = "shardingorm.test.pg.bin";

    /**
     * OS user that runs private servers when the JVM runs as {@code root} (PostgreSQL refuses to
     * run as root). Default {@value #DEFAULT_OS_USER}.
     */
    public static final String OS_USER_ENV = "SHARDING_ORM_TEST_PG_OS_USER";
    /** System property form of {@link #OS_USER_ENV}. */
    public static final String OS_USER_PROPERTY = "shardingorm.test.pg.os-user";
    /** Default of {@link #OS_USER_PROPERTY}. */
    public static final String DEFAULT_OS_USER = "postgres";

    /** Prefix of every database created for shards: {@code shorm_<run id>_<index>}. */
    public static final String DATABASE_PREFIX = "shorm_";
    /** Prefix of every temporary directory of a private server. */
    public static final String TEMP_DIRECTORY_PREFIX = "sharding-orm-pg-";

    private PostgresTestSettings() {
    }
}
