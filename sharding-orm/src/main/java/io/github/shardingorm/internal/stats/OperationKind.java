package io.github.shardingorm.internal.stats;

/** What a shard operation was; the {@code db.operation.name} tag of the meters. Fixed set: bounded cardinality. */
public enum OperationKind {
    /** A keyed read: a read-only transaction on one shard (findById, fromReadOnlyTransaction). */
    READ("read"),
    /** A keyed write: a read-write transaction on one shard (save, inTransaction, a saga step). */
    WRITE("write"),
    /** One shard's part of a query (keyed or fanned out). */
    QUERY("query"),
    /** One shard's part of a bulk UPDATE/DELETE or native statement. */
    BULK("bulk");

    private final String tag;

    OperationKind(String tag) {
        this.tag = tag;
    }

    /** The lower-case name used in meter tags and statistics. */
    public String tag() {
        return tag;
    }
}
