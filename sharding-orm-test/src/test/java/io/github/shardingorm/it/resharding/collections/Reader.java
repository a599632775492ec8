package io.github.shardingorm.it.resharding.collections;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;

/** A sharded entity keyed by its id, with an ordered element collection (its table's foreign key is the shard key). */
@Entity(name = "Reader")
@Table(name = "readers")
public class Reader {

    @Id
    @ShardKey
    private Long id;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "reader_emails", joinColumns = @JoinColumn(name = "reader_id"))
    @OrderColumn(name = "pos")
    @Column(name = "email")
    private List<String> emails = new ArrayList<>();

    protected Reader() {
    }

    public Reader(Long id) {
        this.id = id;
    }

    public Long getId() {
        return id;
    }

    public List<String> getEmails() {
        return emails;
    }
}
