package io.github.shardingorm.it.cache.model;

import jakarta.persistence.PostLoad;
import java.util.function.Consumer;

/** A test seam: runs {@link #onLoad} after an {@link Account} is read from a shard (null: nothing). */
public class LoadHook {

    public static volatile Consumer<Account> onLoad;

    @PostLoad
    void loaded(Account account) {
        Consumer<Account> hook = onLoad;
        if (hook != null) {
            hook.accept(account);
        }
    }
}
