/**
 * JUnit 5 support that gives a test real PostgreSQL shards: {@link io.github.shardingorm.test.PostgresShards}
 * for N fresh databases on one server, {@link io.github.shardingorm.test.PostgresServers} for N private
 * server processes that a test can crash, reconfigure and replicate. Settings are in
 * {@link io.github.shardingorm.test.PostgresTestSettings}. Everything under {@code internal} may change
 * without notice.
 */
package io.github.shardingorm.test;
