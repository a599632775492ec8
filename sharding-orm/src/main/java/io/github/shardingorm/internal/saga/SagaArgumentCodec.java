package io.github.shardingorm.internal.saga;

import io.github.shardingorm.saga.SagaArguments;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Stores {@link SagaArguments} as text: {@code name=T:value&...}, names and values URL-encoded,
 * {@code T} a one-letter type code. Exact round trip for every storable type.
 */
public final class SagaArgumentCodec {

    private SagaArgumentCodec() {
    }

    public static String encode(Map<String, Object> arguments) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            Object v = e.getValue();
            sb.append(url(e.getKey())).append('=').append(code(v)).append(':').append(url(text(v)));
        }
        return sb.toString();
    }

    public static SagaArguments decode(String text) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (!text.isEmpty()) {
            for (String pair : text.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                char code = pair.charAt(eq + 1);
                String value = URLDecoder.decode(pair.substring(eq + 3), StandardCharsets.UTF_8);
                values.put(name, parse(code, value));
            }
        }
        return SagaArguments.of(values);
    }

    private static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String text(Object v) {
        return v instanceof BigDecimal d ? d.toString() : String.valueOf(v);
    }

    private static char code(Object v) {
        if (v instanceof String) return 'S';
        if (v instanceof Long) return 'J';
        if (v instanceof Integer) return 'I';
        if (v instanceof Short) return 'H';
        if (v instanceof Byte) return 'B';
        if (v instanceof Boolean) return 'Z';
        if (v instanceof Double) return 'D';
        if (v instanceof BigDecimal) return 'M';
        if (v instanceof BigInteger) return 'N';
        if (v instanceof UUID) return 'U';
        if (v instanceof Instant) return 'T';
        if (v instanceof LocalDate) return 'd';
        if (v instanceof LocalDateTime) return 't';
        throw new IllegalArgumentException("not storable: " + v.getClass().getName());
    }

    private static Object parse(char code, String v) {
        return switch (code) {
            case 'S' -> v;
            case 'J' -> Long.valueOf(v);
            case 'I' -> Integer.valueOf(v);
            case 'H' -> Short.valueOf(v);
            case 'B' -> Byte.valueOf(v);
            case 'Z' -> Boolean.valueOf(v);
            case 'D' -> Double.valueOf(v);
            case 'M' -> new BigDecimal(v);
            case 'N' -> new BigInteger(v);
            case 'U' -> UUID.fromString(v);
            case 'T' -> Instant.parse(v);
            case 'd' -> LocalDate.parse(v);
            case 't' -> LocalDateTime.parse(v);
            default -> throw new IllegalArgumentException("unknown type code '" + code + "' in the saga log");
        };
    }
}
