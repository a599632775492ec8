package io.github.shardingorm.it.model;

import io.github.shardingorm.ShardKey;
import jakarta.persistence.Access;
import jakarta.persistence.AccessType;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A device keyed by a UUID, mapped with property access (the key is on the getter). */
@Entity(name = "Device")
@Table(name = "devices")
@Access(AccessType.PROPERTY)
public class Device {

    private UUID id;
    private String label;

    protected Device() {
    }

    public Device(UUID id, String label) {
        this.id = id;
        this.label = label;
    }

    @Id
    @ShardKey
    public UUID getId() {
        return id;
    }

    public void setId(UUID id) {
        this.id = id;
    }

    public String getLabel() {
        return label;
    }

    public void setLabel(String label) {
        this.label = label;
    }
}
