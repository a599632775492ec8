package io.github.shardingorm.internal.query.merge;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the shards order text, and whether the merge can reproduce it: exact or refuse.
 *
 * <p>PostgreSQL's C and POSIX collations (libc {@code C}, {@code POSIX}, {@code C.UTF-8}; the
 * builtin provider's {@code C} and {@code C.UTF-8}; {@code ucs_basic}) order by code point, which
 * the merge reproduces exactly. ICU and glibc language collations (en-US, en_US.UTF-8...) are not
 * reproducible in Java: {@code java.text.Collator} is neither ICU's nor glibc's table, and
 * approximating them gave wrong answers without warning. Under such a collation, or when the
 * shards disagree, or when a shard's collation could not be read, a merge that has to order two
 * different strings (ORDER BY, first-N, MIN/MAX, a text comparison in HAVING) is refused with
 * {@link Refused}, which names the collations and says how to make the query mergeable. Text
 * equality (DISTINCT, GROUP BY keys) stays exact: PostgreSQL's default collations are
 * deterministic, so equal means equal bytes.
 *
 * <p>The collations are read per shard at start-up (one short query per shard, in parallel), so
 * that no query depends on another shard's health for it.
 */
public final class TextOrder {

    public static final Comparator<String> CODE_POINT = TextOrder::compareCodePoints;

    /** Thrown when the merge would have to order text it cannot order exactly; the caller adds the query. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final Comparator<String> comparator;
    private final String description;

    private TextOrder(Comparator<String> comparator, String description) {
        this.comparator = comparator;
        this.description = description;
    }

    /** Code point order: the shards are not PostgreSQL, or all use a C collation. */
    public static TextOrder codePoint() {
        return new TextOrder(CODE_POINT, "code point order");
    }

    /**
     * The text order of shards with these collations (shard id to {@link #describe} of its
     * database, null when it could not be read): code point order when every shard has a C
     * collation, else a comparator that refuses to order different strings.
     */
    public static TextOrder of(Map<String, String> collations) {
        boolean allCodePoint = !collations.isEmpty();
        for (String c : collations.values()) {
            allCodePoint &= isCodePoint(c);
        }
        if (allCodePoint) {
            return codePoint();
        }
        String seen = new TreeMap<>(collations).toString();
        boolean agree = collations.values().stream().distinct().count() == 1 && !collations.containsValue(null);
        String why = agree
                ? "the shards' databases use the collation " + collations.values().iterator().next()
                        + ", whose order the merge cannot reproduce exactly (only C/POSIX code point order)"
                : "the shards' databases do not share one C collation: " + seen;
        String message = "text ordered across shards: " + why + ". To make it mergeable, create the shard databases with a C"
                + " collation (CREATE DATABASE ... LC_COLLATE 'C' TEMPLATE template0), or order by a non-text key, or pin the"
                + " shard key so one shard orders the text";
        return new TextOrder((a, b) -> {
            if (a.equals(b)) {
                return 0;
            }
            throw new Refused(message);
        }, seen);
    }

    /** How the shards order text; its {@code compare} throws {@link Refused} when they order it in a way the merge cannot. */
    public Comparator<String> comparator() {
        return comparator;
    }

    /** Whether the merge orders text exactly as the shards do. */
    public boolean exact() {
        return comparator == CODE_POINT;
    }

    @Override
    public String toString() {
        return description;
    }

    /**
     * One database's collation as read from {@code pg_database}: {@code icu:<locale>} for the ICU
     * provider, {@code builtin:<locale>} for the builtin one (PostgreSQL 17+), else the libc
     * {@code datcollate}.
     */
    public static String describe(String datcollate, String provider, String locale) {
        if ("i".equals(provider)) {
            return "icu:" + locale;
        }
        if ("b".equals(provider)) {
            return "builtin:" + locale;
        }
        return datcollate;
    }

    /** Whether a {@link #describe described} collation orders by code point. */
    static boolean isCodePoint(String collation) {
        if (collation == null) {
            return false;
        }
        String c = collation.trim();
        if (c.startsWith("builtin:")) {
            c = c.substring("builtin:".length());
        } else if (c.startsWith("icu:")) {
            return false;
        }
        String upper = c.toUpperCase(Locale.ROOT);
        return upper.equals("C") || upper.equals("POSIX") || upper.startsWith("C.") || upper.equals("UCS_BASIC");
    }

    public static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
