package io.github.shardingorm.it.resharding;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.it.writes.model.Country;
import io.github.shardingorm.resharding.Resharding;
import io.github.shardingorm.resharding.ReshardingJob;
import io.github.shardingorm.resharding.ReshardingPhase;
import io.github.shardingorm.routing.ShardingStrategies;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM that runs an import (offline or online) over the 4 shards of {@link ImportIT} and prints
 * {@code COPYING} once rows have been copied, so the test kills it there with SIGKILL.
 * Arguments: offline|online monolith shard...
 */
public final class ImportChild {

    private ImportChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean online = args[0].equals("online");
        ReshardFixture.Shard monolith = ReshardFixture.Shard.parse(args[1]);
        List<ReshardFixture.Shard> shards = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            shards.add(ReshardFixture.Shard.parse(args[i]));
        }
        var builder = ShardedPersistence.builder();
        shards.forEach(s -> builder.shard(s.id(), s.url(), s.user(), s.password()));
        try (ShardedPersistence orm = builder.entities(User.class, Post.class, Country.class).schema(SchemaAction.NONE).bucketCount(64)
                .strategy(ShardingStrategies.hash(ImportIT.MAP)).maximumPoolSize(2).build()) {
            Resharding.Import imp = orm.resharding().importFrom(monolith.url(), monolith.user(), null).chunkRows(500).throttle(3_000);
            ReshardingJob job = (online ? imp.online() : imp.offline()).plan().start(p -> {
                if (p.phase() == ReshardingPhase.COPYING && p.rowsCopied() > 1_000) {
                    System.out.println("COPYING");
                    System.out.flush();
                }
            });
            System.out.println("STARTED " + job.id());
            job.awaitCompletion();
            System.out.println("DONE");
        }
    }
}
