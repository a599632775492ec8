package io.github.shardingorm.it.query.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/** A bulk row for streaming and benchmarks: the id is the key (range strategy), rows are inserted with generate_series. */
@Entity(name = "Event")
@Table(name = "events", indexes = @Index(name = "events_seq", columnList = "seq"))
public class Event {

    @Id
    @ShardKey
    private Long id;

    private Long seq;

    private String payload;

    private Integer kind;

    protected Event() {
    }

    public Event(Long id, Long seq, String payload) {
        this.id = id;
        this.seq = seq;
        this.payload = payload;
    }

    public Long getId() {
        return id;
    }

    public Long getSeq() {
        return seq;
    }

    public Integer getKind() {
        return kind;
    }

    public String getPayload() {
        return payload;
    }
}
