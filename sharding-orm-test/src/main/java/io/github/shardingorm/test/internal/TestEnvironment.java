package io.github.shardingorm.test.internal;

/**
 * What source resolution looks at: settings, Docker, local binaries. An interface so that the
 * decision logic can be tested with any combination; {@link SystemTestEnvironment} is the real one.
 */
interface TestEnvironment {

    /**
     * @param property a system property name
     * @param environmentVariable the equivalent environment variable
     * @return the system property if set, else the environment variable; null when neither is set or both are blank
     */
    String setting(String property, String environmentVariable);

    /** @return whether a Docker engine is reachable; never null */
    Availability docker();

    /** @return the PostgreSQL server binaries found, or where they were searched for; never null */
    PostgresBinaries.Lookup binaries();
}
