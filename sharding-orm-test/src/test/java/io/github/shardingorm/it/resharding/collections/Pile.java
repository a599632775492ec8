package io.github.shardingorm.it.resharding.collections;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;

/** A sharded entity with a bag (a List without @OrderColumn): its collection table has no primary key. */
@Entity(name = "Pile")
@Table(name = "piles")
public class Pile {

    @Id
    @ShardKey
    private Long id;

    @ElementCollection
    @CollectionTable(name = "pile_notes", joinColumns = @JoinColumn(name = "pile_id"))
    private List<String> notes = new ArrayList<>();

    protected Pile() {
    }

    public Pile(Long id) {
        this.id = id;
    }

    public List<String> getNotes() {
        return notes;
    }
}
