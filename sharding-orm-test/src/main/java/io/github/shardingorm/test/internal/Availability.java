package io.github.shardingorm.test.internal;

/**
 * Whether a source of PostgreSQL can be used, and a one-line detail saying why (or why not).
 *
 * @param available true when the source can be used
 * @param detail what was found or what was missing; never null
 */
record Availability(boolean available, String detail) {

    static Availability yes(String detail) {
        return new Availability(true, detail);
    }

    static Availability no(String detail) {
        return new Availability(false, detail);
    }
}
