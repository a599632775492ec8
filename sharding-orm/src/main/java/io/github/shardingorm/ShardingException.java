package io.github.shardingorm;

import jakarta.persistence.PersistenceException;

/**
 * Root of every exception sharding-orm throws. Subclasses say what the caller can do:
 * {@link ShardingConfigurationException} (fix the configuration), {@link ShardRoutingException}
 * (fix the input: a key, an id, an entity), {@link ShardUnavailableException} (retry later, or
 * treat the shard as down).
 */
public class ShardingException extends PersistenceException {

    private static final long serialVersionUID = 1L;

    public ShardingException(String message) {
        super(message);
    }

    public ShardingException(String message, Throwable cause) {
        super(message, cause);
    }
}
