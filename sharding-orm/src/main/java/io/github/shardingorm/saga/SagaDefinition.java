package io.github.shardingorm.saga;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A named saga type: ordered steps, each a local transaction on the shard of a key computed from
 * the saga's arguments, with a compensation that undoes it. Register it at start-up with
 * {@code ShardedPersistenceBuilder.saga(...)} (on every instance, so recovery finds its code
 * after a restart) and start it with {@link Sagas#start}.
 *
 * <pre>{@code
 * SagaDefinition follow = SagaDefinition.named("follow")
 *     .step("add-following", args -> args.getLong("follower"),
 *           (s, args) -> s.persist(new Following(args.getLong("follower"), args.getLong("followee"))),
 *           (s, args) -> s.createMutationQuery("delete from Following where ...").executeUpdate())
 *     .step("add-follower", args -> args.getLong("followee"),
 *           (s, args) -> s.persist(new Follower(args.getLong("followee"), args.getLong("follower"))),
 *           (s, args) -> ...)
 *     .build();
 * }</pre>
 *
 * <p>Steps and compensations must be deterministic in the arguments (recovery may run them in
 * another JVM) and should not depend on side effects outside their shard's transaction. A step's
 * key function must return the same key every time.
 */
public final class SagaDefinition {

    /** One step of a saga; {@code compensation} is null when the step needs no undo. */
    public record Step(String name, Function<SagaArguments, ?> key, SagaAction action, SagaAction compensation) {
    }

    private final String type;
    private final List<Step> steps;

    private SagaDefinition(String type, List<Step> steps) {
        this.type = type;
        this.steps = List.copyOf(steps);
    }

    /**
     * Starts a definition.
     *
     * @param type the saga type, stored in the saga log: 1 to 200 characters, not starting with {@code "shorm."} (reserved)
     */
    public static Builder named(String type) {
        Objects.requireNonNull(type, "saga type");
        if (type.isEmpty() || type.length() > 200) {
            throw new IllegalArgumentException("saga type must have 1 to 200 characters but has " + type.length());
        }
        if (type.startsWith("shorm.")) {
            throw new IllegalArgumentException("saga type '" + type + "' uses the reserved prefix 'shorm.'");
        }
        return new Builder(type);
    }

    public String type() {
        return type;
    }

    public List<Step> steps() {
        return steps;
    }

    @Override
    public String toString() {
        return "SagaDefinition{" + type + ", steps=" + steps.stream().map(Step::name).toList() + "}";
    }

    /** Builds a {@link SagaDefinition}. */
    public static final class Builder {

        private final String type;
        private final List<Step> steps = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        private Builder(String type) {
            this.type = type;
        }

        /**
         * Adds a step.
         *
         * @param name         unique within the saga
         * @param key          computes the shard key of the step from the arguments; must not return null
         * @param action       the step's work, in a transaction on the key's shard
         * @param compensation undoes {@code action} in a transaction on the same shard; null when there is nothing to undo
         */
        public Builder step(String name, Function<SagaArguments, ?> key, SagaAction action, SagaAction compensation) {
            Objects.requireNonNull(name, "step name");
            Objects.requireNonNull(key, () -> "key function of step '" + name + "'");
            Objects.requireNonNull(action, () -> "action of step '" + name + "'");
            if (!names.add(name)) {
                throw new IllegalArgumentException("saga '" + type + "' already has a step named '" + name + "'");
            }
            steps.add(new Step(name, key, action, compensation));
            return this;
        }

        /** @throws IllegalStateException when there is no step */
        public SagaDefinition build() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("saga '" + type + "' has no step");
            }
            return new SagaDefinition(type, steps);
        }
    }
}
