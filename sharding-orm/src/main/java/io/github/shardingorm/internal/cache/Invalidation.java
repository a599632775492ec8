package io.github.shardingorm.internal.cache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One invalidation, and the text form it travels in (a PostgreSQL notification payload: one line per
 * invalidation after a first line naming the sending instance, tab-separated fields, under 8000 bytes).
 *
 * @param kind  what to evict
 * @param name  the entity name, or the collection role ({@link Kind#COLLECTION}), or the buckets ({@link Kind#BUCKETS})
 * @param id    the entity id or the collection owner's id; null for the kinds without one
 */
record Invalidation(Kind kind, String name, Object id) {

    /** The payload limit of PostgreSQL is 8000 bytes; leave room for the header. */
    static final int MAX_PAYLOAD_BYTES = 7800;

    enum Kind {
        /** One entity (second-level entry, cache-aside entry, query spaces). */
        ENTITY('E'),
        /** One collection of one owner. */
        COLLECTION('C'),
        /** A new row: only the query results of its tables. */
        INSERT('Q'),
        /** Every entry of one entity on the shard (ids that do not travel as text). */
        REGION('R'),
        /** Everything on the shard. */
        ALL('A'),
        /** The entries of some buckets on the shard (comma-separated in {@code name}). */
        BUCKETS('B');

        final char code;

        Kind(char code) {
            this.code = code;
        }

        static Kind of(char code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The id as text, or null when it has no text form (then the whole region is invalidated). */
    static String idToken(Object id) {
        if (id instanceof Long l) {
            return "L" + l;
        }
        if (id instanceof Integer i) {
            return "I" + i;
        }
        if (id instanceof UUID u) {
            return "U" + u;
        }
        if (id instanceof String s && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.length() < 500) {
            return "S" + s;
        }
        return null;
    }

    static Object parseId(String token) {
        if (token.isEmpty()) {
            return null;
        }
        String v = token.substring(1);
        return switch (token.charAt(0)) {
            case 'L' -> Long.valueOf(v);
            case 'I' -> Integer.valueOf(v);
            case 'U' -> UUID.fromString(v);
            case 'S' -> v;
            default -> throw new IllegalArgumentException("unknown id token " + token);
        };
    }

    /** This invalidation as one line; ids without a text form become {@link Kind#REGION}. */
    String line() {
        if (kind == Kind.ENTITY || kind == Kind.COLLECTION) {
            String token = idToken(id);
            if (token == null) {
                return Kind.REGION.code + "\t" + name + "\t";
            }
            return kind.code + "\t" + name + "\t" + token;
        }
        return kind.code + "\t" + (name == null ? "" : name) + "\t";
    }

    /** Packs the lines into as few payloads as fit, each starting with the sender's id. */
    static List<String> payloads(String sender, List<String> lines) {
        List<String> payloads = new ArrayList<>();
        StringBuilder current = new StringBuilder(sender);
        int bytes = sender.length();
        for (String line : lines) {
            int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes + size > MAX_PAYLOAD_BYTES && current.length() > sender.length()) {
                payloads.add(current.toString());
                current = new StringBuilder(sender);
                bytes = sender.length();
            }
            current.append('\n').append(line);
            bytes += size;
        }
        if (current.length() > sender.length()) {
            payloads.add(current.toString());
        }
        return payloads;
    }

    /** The sender of a payload. */
    static String sender(String payload) {
        int nl = payload.indexOf('\n');
        return nl < 0 ? payload : payload.substring(0, nl);
    }

    /** The invalidations of a payload; unreadable lines become {@link Kind#ALL} (evicting too much is safe). */
    static List<Invalidation> parse(String payload) {
        List<Invalidation> result = new ArrayList<>();
        String[] lines = payload.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t", -1);
            Kind kind = f[0].length() == 1 ? Kind.of(f[0].charAt(0)) : null;
            try {
                if (kind == null || f.length < 3) {
                    result.add(new Invalidation(Kind.ALL, null, null));
                } else {
                    result.add(new Invalidation(kind, f[1].isEmpty() ? null : f[1], parseId(f[2])));
                }
            } catch (RuntimeException e) {
                result.add(new Invalidation(Kind.ALL, null, null));
            }
        }
        return result;
    }
}
