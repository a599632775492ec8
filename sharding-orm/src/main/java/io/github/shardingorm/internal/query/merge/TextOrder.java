package io.github.shardingorm.internal.query.merge;

import java.text.Collator;
import java.util.Comparator;
import java.util.Locale;

/**
 * How the shards order text. PostgreSQL's C, POSIX and C.UTF-8 collations (and {@code ucs_basic})
 * order by code point, which the merge reproduces exactly. For a language collation the merge
 * uses {@link Collator} for that locale, which is close to, but not guaranteed identical with,
 * glibc/ICU; create such databases with a C collation, or order by non-text keys, for exact merges.
 */
public final class TextOrder {

    public static final Comparator<String> CODE_POINT = TextOrder::compareCodePoints;

    private TextOrder() {
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
