package io.github.shardingorm.it.adoption;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.ShardedPersistenceBuilder;
import io.github.shardingorm.TwoPhaseCommitMode;
import io.github.shardingorm.it.model.User;
import java.lang.management.ManagementFactory;

/**
 * Time to first answer in a fresh JVM (issue 13 part 6, issue 10): JVM start to the first
 * {@code findById} on 4 shard databases that already hold the schema. Run once per JVM:
 * Under load, compare the CPU figures (main thread, process): wall time follows the machine's load.
 * {@code java -cp <test classpath> io.github.shardingorm.it.adoption.StartupTimeMain <pg base url> <user> <db prefix>}
 * (databases {@code <prefix>0..3} must exist with the {@code users} table; see docs/benchmarks.md).
 */
public final class StartupTimeMain {

    private StartupTimeMain() {
    }

    public static void main(String[] args) {
        String base = args[0];
        long buildStart = System.nanoTime();
        ShardedPersistenceBuilder builder = ShardedPersistence.builder();
        for (int i = 0; i < 4; i++) {
            builder.shard("s" + i, base + args[2] + i, args[1], "");
        }
        try (ShardedPersistence orm = builder.entities(User.class).schema(SchemaAction.VALIDATE)
                .maximumPoolSize(2).minimumIdle(1).twoPhaseCommit(TwoPhaseCommitMode.DISABLED).build()) {
            long built = System.nanoTime();
            orm.repository(User.class).findById(1L);
            long answered = System.nanoTime();
            long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            long mainCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
            long processCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
            System.out.printf("startup build_ms=%d first_answer_ms=%d jvm_to_answer_ms=%d main_thread_cpu_ms=%d process_cpu_ms=%d validator_on_classpath=%s%n",
                    (built - buildStart) / 1_000_000, (answered - buildStart) / 1_000_000, sinceJvmStart, mainCpu, processCpu,
                    present("org.hibernate.validator.HibernateValidator"));
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
