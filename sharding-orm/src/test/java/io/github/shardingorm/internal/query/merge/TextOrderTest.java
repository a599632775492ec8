package io.github.shardingorm.internal.query.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextOrderTest {

    private static Map<String, String> shards(String... collations) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < collations.length; i++) {
            m.put("s" + i, collations[i]);
        }
        return m;
    }

    @Test
    void cCollations_orderByCodePoint_exactly() {
        for (String c : new String[] {"C", "POSIX", "C.UTF-8", "C.utf8", "ucs_basic", "builtin:C", "builtin:C.UTF-8"}) {
            TextOrder order = TextOrder.of(shards(c, c));
            assertTrue(order.exact(), c);
            assertTrue(order.comparator().compare("Z", "a") < 0, c);
        }
    }

    @Test
    void languageCollations_refuseToOrderDifferentStrings_butKeepEquality() {
        for (String c : new String[] {"icu:en-US", "en_US.UTF-8", "de_DE.utf8"}) {
            TextOrder order = TextOrder.of(shards(c, c));
            assertFalse(order.exact(), c);
            assertEquals(0, order.comparator().compare("same", "same"));
            TextOrder.Refused e = assertThrows(TextOrder.Refused.class, () -> order.comparator().compare("a", "B"));
            assertTrue(e.getMessage().contains(c) && e.getMessage().contains("LC_COLLATE 'C'"), e.getMessage());
        }
    }

    @Test
    void shardsThatDisagreeOrWhoseCollationIsUnknown_refuse() {
        TextOrder mixed = TextOrder.of(shards("C", "icu:en-US"));
        TextOrder.Refused e = assertThrows(TextOrder.Refused.class, () -> mixed.comparator().compare("a", "b"));
        assertTrue(e.getMessage().contains("do not share") && e.getMessage().contains("s1=icu:en-US"), e.getMessage());
        Map<String, String> unknown = new HashMap<>(shards("C"));
        unknown.put("s1", null);
        assertFalse(TextOrder.of(unknown).exact());
    }

    @Test
    void describe_namesTheProvider() {
        assertEquals("icu:en-US", TextOrder.describe("C", "i", "en-US"));
        assertEquals("builtin:C.UTF-8", TextOrder.describe("C.UTF-8", "b", "C.UTF-8"));
        assertEquals("en_US.UTF-8", TextOrder.describe("en_US.UTF-8", "c", null));
        assertEquals("C", TextOrder.describe("C", null, null));
    }
}
