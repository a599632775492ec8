package io.github.shardingorm.internal.query.value;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hibernate.query.CommonQueryContract;
import org.hibernate.query.QueryParameter;

/** Immutable parameter bindings of a sharded query; {@link #with} returns a copy. */
public final class Parameters {

    public static final Parameters NONE = new Parameters(Map.of(), Map.of());

    private final Map<String, Object> named;
    private final Map<Integer, Object> positional;

    private Parameters(Map<String, Object> named, Map<Integer, Object> positional) {
        this.named = named;
        this.positional = positional;
    }

    public static Parameters of(Map<String, ?> values) {
        Parameters p = NONE;
        if (values != null) {
            for (Map.Entry<String, ?> e : values.entrySet()) {
                p = p.with(e.getKey(), e.getValue());
            }
        }
        return p;
    }

    public Parameters with(String name, Object value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("parameter name must not be null or empty");
        }
        Map<String, Object> copy = new LinkedHashMap<>(named);
        copy.put(name.startsWith(":") ? name.substring(1) : name, value);
        return new Parameters(Collections.unmodifiableMap(copy), positional);
    }

    public Parameters with(int position, Object value) {
        if (position < 0) {
            throw new IllegalArgumentException("parameter position must be >= 0 but was " + position);
        }
        Map<Integer, Object> copy = new LinkedHashMap<>(positional);
        copy.put(position, value);
        return new Parameters(named, Collections.unmodifiableMap(copy));
    }

    public boolean hasNamed(String name) {
        return named.containsKey(name);
    }

    public boolean hasPositional(int position) {
        return positional.containsKey(position);
    }

    public Object named(String name) {
        if (!named.containsKey(name)) {
            throw new IllegalArgumentException("parameter :" + name + " is not bound");
        }
        return named.get(name);
    }

    public Object positional(int position) {
        if (!positional.containsKey(position)) {
            throw new IllegalArgumentException("parameter ?" + position + " is not bound");
        }
        return positional.get(position);
    }

    /** Binds every parameter the Hibernate query declares (sharded rewrites may drop some, e.g. HAVING ones). */
    public void bindTo(CommonQueryContract query, Map<String, Object> extra) {
        for (QueryParameter<?> p : query.getParameterMetadata().getRegistrations()) {
            if (p.getName() != null) {
                Object value = extra != null && extra.containsKey(p.getName()) ? extra.get(p.getName()) : named(p.getName());
                if (value instanceof Collection<?> c && p.allowsMultiValuedBinding()) {
                    query.setParameterList(p.getName(), c);
                } else {
                    query.setParameter(p.getName(), value);
                }
            } else if (p.getPosition() != null) {
                Object value = positional(p.getPosition());
                if (value instanceof Collection<?> c && p.allowsMultiValuedBinding()) {
                    query.setParameterList(p.getPosition(), c);
                } else {
                    query.setParameter(p.getPosition(), value);
                }
            }
        }
    }

    /** For logs: {@code :name=value, ?1=value}, each value shown as {@code ?} unless {@code showValues}. */
    public String describe(boolean showValues) {
        StringBuilder out = new StringBuilder();
        named.forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(':').append(k).append('=').append(showValues ? v : "?"));
        positional.forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append('?').append(k).append('=').append(showValues ? v : "?"));
        return out.toString();
    }
}
