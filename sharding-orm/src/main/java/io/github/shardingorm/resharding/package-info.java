/**
 * Online resharding: moving buckets between shards while the application reads and writes
 * (copy from a snapshot, catch-up from the source's WAL, a short fenced switch per bucket group,
 * verification, resume after a crash, rollback). See the README section "Online resharding".
 */
package io.github.shardingorm.resharding;
