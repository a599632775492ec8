package io.github.shardingorm.health;

/** What a database is to its shard. */
public enum NodeRole {
    /** The shard's read-write database. */
    PRIMARY,
    /** A streaming replica of the primary; serves read-only work only. */
    REPLICA
}
