package io.github.shardingorm.it.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.shardingorm.SchemaAction;
import io.github.shardingorm.ShardedPersistence;
import io.github.shardingorm.internal.boot.ShardedPersistenceImpl;
import io.github.shardingorm.internal.topology.TopologyService;
import io.github.shardingorm.it.model.Post;
import io.github.shardingorm.it.model.User;
import io.github.shardingorm.routing.BucketState;
import io.github.shardingorm.routing.Topology;
import io.github.shardingorm.test.PostgresServer;
import io.github.shardingorm.test.PostgresServerGroup;
import io.github.shardingorm.test.PostgresServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A two-phase transaction PREPARED on the source before {@code fence()} has no backend in
 * {@code pg_stat_activity}, yet its writes (which passed the trigger before the fence) become
 * visible only at COMMIT PREPARED: {@code fence()} waits for it too, so the mover's final read
 * sees them. Private server with {@code max_prepared_transactions} > 0.
 */
@PostgresServers(count = 1, settings = {"max_prepared_transactions=10"})
class FencePreparedTransactionIT {

    @Test
    void fenceWaitsForATransactionPreparedBeforeIt(PostgresServerGroup servers) throws Exception {
        PostgresServer server = servers.get(0);
        server.createDatabase("fp_s0");
        server.createDatabase("fp_s1");
        String s0 = server.jdbcUrl("fp_s0");
        try (ShardedPersistence orm = ShardedPersistence.builder().shard("s0", s0, server.username(), "")
                .shard("s1", server.jdbcUrl("fp_s1"), server.username(), "").entities(User.class, Post.class)
                .schema(SchemaAction.CREATE).bucketCount(64).maximumPoolSize(2).build()) {
            TopologyService mover = ((ShardedPersistenceImpl) orm).topologyService();
            long key = 1;
            while (!orm.shardMap().shardOf(FencePerBucketIT.bucketOf(key, 64)).equals("s0")) {
                key++;
            }
            int bucket = FencePerBucketIT.bucketOf(key, 64);
            Topology moving = mover.beginMove(Set.of(bucket), "s0", "s1");
            try (Connection c = DriverManager.getConnection(s0, server.username(), "")) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SET shorm.topology_version = " + moving.version());
                    st.executeUpdate("insert into users (id, name) values (" + key + ", 'prepared before the fence')");
                    st.execute("PREPARE TRANSACTION 'fence_test_1'");
                }
                c.setAutoCommit(true);
            }
            CompletableFuture<Topology> fencing = CompletableFuture.supplyAsync(() -> mover.fence(Set.of(bucket)));
            Thread.sleep(500);
            assertFalse(fencing.isDone(), "fence() must wait for the transaction prepared before it");
            try (Connection c = DriverManager.getConnection(s0, server.username(), ""); Statement st = c.createStatement()) {
                st.execute("COMMIT PREPARED 'fence_test_1'");
            }
            Topology fenced = fencing.get(30, TimeUnit.SECONDS);
            assertEquals(BucketState.Phase.FENCED, fenced.stateOf(bucket).phase());
            try (Connection c = DriverManager.getConnection(s0, server.username(), ""); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*) from users where id = " + key)) {
                rs.next();
                assertEquals(1, rs.getLong(1), "the prepared write is visible to the mover's final read");
            }
            mover.abortMove(Set.of(bucket));
        }
    }
}
