package io.github.shardingorm.it.resharding.collections;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedId;
import io.github.shardingorm.it.writes.model.Country;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.Table;
import java.util.HashSet;
import java.util.Set;

/**
 * A sharded entity whose key is NOT its id, with an element collection and a many-to-many join
 * table: their tables hold only {@code shelf_id}, so a move places their rows by the owner's row.
 */
@Entity(name = "Shelf")
@Table(name = "shelves")
public class Shelf {

    @Id
    @ShardedId
    private Long id;

    @ShardKey
    @Column(name = "owner_id", nullable = false)
    private Long ownerId;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "shelf_labels", joinColumns = @JoinColumn(name = "shelf_id"))
    @Column(name = "label", nullable = false)
    private Set<String> labels = new HashSet<>();

    @ManyToMany(fetch = FetchType.EAGER)
    @JoinTable(name = "shelf_countries", joinColumns = @JoinColumn(name = "shelf_id"),
            inverseJoinColumns = @JoinColumn(name = "country_code"))
    private Set<Country> countries = new HashSet<>();

    protected Shelf() {
    }

    public Shelf(Long ownerId) {
        this.ownerId = ownerId;
    }

    public Long getId() {
        return id;
    }

    public Long getOwnerId() {
        return ownerId;
    }

    public Set<String> getLabels() {
        return labels;
    }

    public Set<Country> getCountries() {
        return countries;
    }
}
