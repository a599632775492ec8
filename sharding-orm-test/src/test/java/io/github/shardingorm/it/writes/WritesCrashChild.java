package io.github.shardingorm.it.writes;

import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.it.writes.WritesFixture.Shard;
import io.github.shardingorm.it.writes.model.WriteMark;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The victim of {@link CrashRecoveryIT}: a JVM that runs 3-step sagas (some failing, so some
 * compensate) and 2- or 3-shard two-phase commit transactions in a loop, on two threads, until it
 * is killed with SIGKILL. Prints {@code READY} once started. Arguments: one {@code id|url|user|password}
 * per shard.
 */
public final class WritesCrashChild {

    private WritesCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        List<Shard> shards = new ArrayList<>();
        for (String arg : args) {
            shards.add(Shard.parse(arg));
        }
        ShardedPersistence orm = WritesFixture.builder(shards).saga(WritesFixture.marks3())
                .sagaLease(Duration.ofMillis(1000)).sagaRetries(3, Duration.ofMillis(20))
                .twoPhaseGrace(Duration.ofMillis(1000)).recoveryInterval(Duration.ofMillis(300)).build();
        System.out.println("READY");
        System.out.flush();
        Thread sagas = new Thread(() -> loop(() -> runSaga(orm)), "sagas");
        Thread twoPhase = new Thread(() -> loop(() -> runTwoPhase(orm)), "two-phase");
        sagas.start();
        twoPhase.start();
        sagas.join();
    }

    private static void loop(Runnable work) {
        while (true) {
            try {
                work.run();
            } catch (RuntimeException e) {
                System.out.println("failed: " + e);
            }
        }
    }

    private static void runSaga(ShardedPersistence orm) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Map<String, Object> args = new HashMap<>();
        args.put("op", UUID.randomUUID().toString());
        for (int i = 0; i < 3; i++) {
            args.put("k" + i, random.nextLong(1, 1_000_000));
        }
        int roll = random.nextInt(10);
        if (roll < 2) {
            args.put("failAt", 2);
        } else if (roll < 3) {
            args.put("failAt", 1);
        }
        orm.sagas().start(WritesFixture.MARKS3, args);
    }

    private static void runTwoPhase(ShardedPersistence orm) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int parts = 2 + random.nextInt(2);
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            keys.add(random.nextLong(1, 1_000_000));
        }
        String group = "tx-" + UUID.randomUUID();
        orm.atomically(keys, tx -> {
            for (int i = 0; i < parts; i++) {
                tx.session(keys.get(i)).persist(new WriteMark(group, i, parts, keys.get(i)));
            }
        });
    }
}
