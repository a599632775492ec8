package io.github.shardingorm.internal.query.value;

/** A value in a query: a literal, or a parameter bound when the query runs. */
public sealed interface ValueRef {

    Object resolve(Parameters parameters);

    record Literal(Object value) implements ValueRef {
        @Override
        public Object resolve(Parameters parameters) {
            return value;
        }
    }

    record Named(String name) implements ValueRef {
        @Override
        public Object resolve(Parameters parameters) {
            return parameters.named(name);
        }

        @Override
        public String toString() {
            return ":" + name;
        }
    }

    record Positional(int position) implements ValueRef {
        @Override
        public Object resolve(Parameters parameters) {
            return parameters.positional(position);
        }

        @Override
        public String toString() {
            return "?" + position;
        }
    }
}
