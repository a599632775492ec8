package io.github.shardingorm.internal.query.merge;

import java.text.Collator;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the shards order text. PostgreSQL's C, POSIX and C.UTF-8 collations (and {@code ucs_basic})
 * order by code point, which the merge reproduces exactly. For a language collation the merge
 * uses {@link Collator} for that locale, which is close to, but not guaranteed identical with,
 * glibc/ICU; create such databases with a C collation, or order by non-text keys, for exact merges.
 *
 * <p>An instance is the text order of one persistence unit: the collation is read once, when the
 * first merge needs it (a failed read is retried by the next merge, which meanwhile uses code point
 * order).
 */
public final class TextOrder {

    private static final Logger LOG = LoggerFactory.getLogger(TextOrder.class);

    public static final Comparator<String> CODE_POINT = TextOrder::compareCodePoints;

    private final Supplier<String> collation;
    private volatile Comparator<String> resolved;

    /** @param collation reads the shards' collation name (null: code point order); may throw when no shard answers */
    public TextOrder(Supplier<String> collation) {
        this.collation = collation;
    }

    /** How the shards order text. */
    public Comparator<String> comparator() {
        Comparator<String> t = resolved;
        if (t == null) {
            String name;
            try {
                name = collation.get();
            } catch (RuntimeException e) {
                LOG.debug("could not read the shards' collation, merging text in code point order: {}", e.toString());
                return CODE_POINT;
            }
            t = forCollation(name);
            if (t != CODE_POINT) {
                LOG.warn("shards use the collation {}: text ORDER BY across shards is merged with java.text.Collator, which may "
                        + "order some strings differently from PostgreSQL; use a C collation for exact merges", name);
            }
            resolved = t;
        }
        return t;
    }

    /** How the shards order text, resolved at the first comparison. */
    public Comparator<String> lazily() {
        return (a, b) -> comparator().compare(a, b);
    }

    /** The comparator for a PostgreSQL collation name such as {@code C.UTF-8} or {@code en_US.UTF-8}; null means code point order. */
    public static Comparator<String> forCollation(String collation) {
        if (collation == null) {
            return CODE_POINT;
        }
        String c = collation.trim();
        if (c.isEmpty() || c.equals("C") || c.equals("POSIX") || c.startsWith("C.") || c.equalsIgnoreCase("ucs_basic")) {
            return CODE_POINT;
        }
        String tag = c.contains(".") ? c.substring(0, c.indexOf('.')) : c;
        Collator collator = Collator.getInstance(Locale.forLanguageTag(tag.replace('_', '-')));
        collator.setStrength(Collator.TERTIARY);
        return (a, b) -> {
            int r = collator.compare(a, b);
            return r != 0 ? r : compareCodePoints(a, b); // PostgreSQL breaks collation ties by bytes
        };
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
