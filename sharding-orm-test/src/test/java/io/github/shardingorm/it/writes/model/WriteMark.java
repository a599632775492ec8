package io.github.shardingorm.it.writes.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One part of a cross-shard write, on the shard of {@code shardKey}: part {@code part} of
 * {@code parts} of the write {@code groupId}. Tests check that every group is complete or absent.
 */
@Entity(name = "WriteMark")
@Table(name = "write_marks")
public class WriteMark {

    @Id
    private String id;

    @ShardKey
    @Column(name = "shard_key", nullable = false)
    private Long shardKey;

    @Column(name = "group_id", nullable = false)
    private String groupId;

    private int part;

    private int parts;

    protected WriteMark() {
    }

    public WriteMark(String groupId, int part, int parts, long shardKey) {
        this.id = groupId + ":" + part;
        this.groupId = groupId;
        this.part = part;
        this.parts = parts;
        this.shardKey = shardKey;
    }

    public static String id(String groupId, int part) {
        return groupId + ":" + part;
    }

    public String getId() {
        return id;
    }

    public Long getShardKey() {
        return shardKey;
    }

    public String getGroupId() {
        return groupId;
    }
}
