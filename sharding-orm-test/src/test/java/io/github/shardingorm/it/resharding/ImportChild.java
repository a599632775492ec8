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
 * {@code COPYING} once rows have been copied, so the test kills it there with SIGKILL; or (online)
 * holds a move in its catch-up or in its switch (the monolith frozen) and prints {@code CATCHUP} or
 * {@code SWITCH}. Arguments: offline|online|online-catchup|online-switch monolith shard...
 */
public final class ImportChild {

    private ImportChild() {
    }

    public static void main(String[] args) throws Exception {
        // offline | online (killed while copying) | online-catchup | online-switch (held there, then killed)
        boolean online = args[0].startsWith("online");
        String hold = args[0].equals("online-catchup") ? "CATCHUP" : args[0].equals("online-switch") ? "SWITCH" : null;
        ReshardFixture.Shard monolith = ReshardFixture.Shard.parse(args[1]);
        List<ReshardFixture.Shard> shards = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            shards.add(ReshardFixture.Shard.parse(args[i]));
        }
        var builder = ShardedPersistence.builder();
        shards.forEach(s -> builder.shard(s.id(), s.url(), s.user(), s.password()));
        try (ShardedPersistence orm = builder.entities(User.class, Post.class, Country.class).schema(SchemaAction.NONE).bucketCount(64)
                .strategy(ShardingStrategies.hash(ImportIT.MAP)).maximumPoolSize(2).build()) {
            Resharding.Import imp = orm.resharding().importFrom(monolith.url(), monolith.user(), null).chunkRows(500);
            if (hold == null) {
                imp.throttle(3_000);
            }
            ReshardingJob job = (online ? imp.online() : imp.offline()).plan().start(p -> {
                if (hold == null && p.phase() == ReshardingPhase.COPYING && p.rowsCopied() > 1_000) {
                    System.out.println("COPYING");
                    System.out.flush();
                }
                // the listener runs on the move's own thread: sleeping here holds that move in its step
                // (catch-up: a move of the sharded tables, "_m"; the small reference-table moves get there first)
                if ("CATCHUP".equals(hold) && p.phase() == ReshardingPhase.CATCHING_UP && p.moveId().contains("_m")
                        || "SWITCH".equals(hold) && p.phase() == ReshardingPhase.FENCED) {
                    System.out.println(hold + " " + p.moveId());
                    System.out.flush();
                    try {
                        Thread.sleep(120_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            System.out.println("STARTED " + job.id());
            job.awaitCompletion();
            System.out.println("DONE");
        }
    }
}
