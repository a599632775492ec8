package io.github.shardingorm.internal.resharding;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a placement change (move a range, add a shard, split, merge, rebalance) into moves, one
 * per source and target, from the current owner of every bucket. Pure: problems are added to a
 * list, nothing is touched.
 */
final class MovePlanner {

    /** Buckets from one shard to another. */
    record PlannedMove(String source, String target, TreeSet<Integer> buckets) {
    }

    private MovePlanner() {
    }

    static List<PlannedMove> moveRange(String[] owners, int from, int toInclusive, String target, Collection<String> shards,
                                       List<String> problems) {
        if (from < 0 || toInclusive >= owners.length || from > toInclusive) {
            problems.add("bucket range " + from + "-" + toInclusive + " is outside the map's buckets 0-" + (owners.length - 1));
            return List.of();
        }
        if (!known(target, shards, problems)) {
            return List.of();
        }
        Map<String, TreeSet<Integer>> bySource = new LinkedHashMap<>();
        for (int b = from; b <= toInclusive; b++) {
            if (!owners[b].equals(target)) {
                bySource.computeIfAbsent(owners[b], k -> new TreeSet<>()).add(b);
            }
        }
        if (bySource.isEmpty()) {
            problems.add("buckets " + from + "-" + toInclusive + " already belong to " + target + ": nothing to move");
        }
        List<PlannedMove> moves = new ArrayList<>();
        bySource.forEach((source, buckets) -> moves.add(new PlannedMove(source, target, buckets)));
        return moves;
    }

    static List<PlannedMove> addShard(String[] owners, String shard, Collection<String> shards, List<String> problems) {
        if (!known(shard, shards, problems)) {
            return List.of();
        }
        Map<String, TreeSet<Integer>> held = holdings(owners);
        if (held.containsKey(shard)) {
            problems.add("shard " + shard + " already owns " + held.get(shard).size() + " buckets; use rebalance() or moveBuckets()");
            return List.of();
        }
        int share = owners.length / (held.size() + 1);
        Map<String, TreeSet<Integer>> taken = new LinkedHashMap<>();
        for (int i = 0; i < share; i++) {
            String richest = null;
            for (Map.Entry<String, TreeSet<Integer>> e : held.entrySet()) {
                if (richest == null || e.getValue().size() > held.get(richest).size()) {
                    richest = e.getKey();
                }
            }
            int bucket = held.get(richest).pollLast();
            taken.computeIfAbsent(richest, k -> new TreeSet<>()).add(bucket);
        }
        List<PlannedMove> moves = new ArrayList<>();
        taken.forEach((source, buckets) -> moves.add(new PlannedMove(source, shard, buckets)));
        return moves;
    }

    static List<PlannedMove> split(String[] owners, String shard, String into, Collection<String> shards, List<String> problems) {
        if (!known(shard, shards, problems) | !known(into, shards, problems)) {
            return List.of();
        }
        TreeSet<Integer> held = holdings(owners).getOrDefault(shard, new TreeSet<>());
        if (held.size() < 2) {
            problems.add("shard " + shard + " owns " + held.size() + " buckets; a split needs at least 2");
            return List.of();
        }
        if (shard.equals(into)) {
            problems.add("cannot split shard " + shard + " into itself");
            return List.of();
        }
        TreeSet<Integer> upper = new TreeSet<>();
        int keep = held.size() - held.size() / 2;
        int i = 0;
        for (int b : held) {
            if (i++ >= keep) {
                upper.add(b);
            }
        }
        return List.of(new PlannedMove(shard, into, upper));
    }

    static List<PlannedMove> merge(String[] owners, String from, String into, Collection<String> shards, List<String> problems) {
        if (!known(from, shards, problems) | !known(into, shards, problems)) {
            return List.of();
        }
        if (from.equals(into)) {
            problems.add("cannot merge shard " + from + " into itself");
            return List.of();
        }
        TreeSet<Integer> held = holdings(owners).get(from);
        if (held == null) {
            problems.add("shard " + from + " owns no buckets: nothing to merge");
            return List.of();
        }
        return List.of(new PlannedMove(from, into, held));
    }

    static List<PlannedMove> rebalance(String[] owners, List<String> shards, List<String> problems) {
        Map<String, TreeSet<Integer>> held = new LinkedHashMap<>();
        shards.forEach(s -> held.put(s, new TreeSet<>()));
        holdings(owners).forEach((s, b) -> held.computeIfAbsent(s, k -> new TreeSet<>()).addAll(b));
        int n = shards.size();
        Map<String, Integer> want = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            want.put(shards.get(i), owners.length / n + (i < owners.length % n ? 1 : 0));
        }
        List<Integer> surplus = new ArrayList<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();
        for (Map.Entry<String, TreeSet<Integer>> e : held.entrySet()) {
            int extra = e.getValue().size() - want.getOrDefault(e.getKey(), 0);
            for (int i = 0; i < extra; i++) {
                int b = e.getValue().pollLast();
                surplus.add(b);
                sourceOf.put(String.valueOf(b), e.getKey());
            }
        }
        Map<String, PlannedMove> moves = new LinkedHashMap<>();
        int next = 0;
        for (String s : shards) {
            int missing = want.get(s) - held.get(s).size();
            for (int i = 0; i < missing && next < surplus.size(); i++) {
                int b = surplus.get(next++);
                String source = sourceOf.get(String.valueOf(b));
                moves.computeIfAbsent(source + ">" + s, k -> new PlannedMove(source, s, new TreeSet<>())).buckets().add(b);
            }
        }
        if (moves.isEmpty()) {
            problems.add("the buckets are already spread evenly over " + shards + ": nothing to move");
        }
        return new ArrayList<>(moves.values());
    }

    private static Map<String, TreeSet<Integer>> holdings(String[] owners) {
        Map<String, TreeSet<Integer>> held = new LinkedHashMap<>();
        for (int b = 0; b < owners.length; b++) {
            held.computeIfAbsent(owners[b], k -> new TreeSet<>()).add(b);
        }
        return held;
    }

    private static boolean known(String shard, Collection<String> shards, List<String> problems) {
        if (!shards.contains(shard)) {
            problems.add("unknown shard '" + shard + "': the configured shards are " + shards);
            return false;
        }
        return true;
    }
}
