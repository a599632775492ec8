package io.github.shardingorm.internal.id;

import io.github.shardingorm.ShardedId;
import io.github.shardingorm.internal.config.Defaults;
import io.github.shardingorm.internal.routing.EntityModelScanner;
import io.github.shardingorm.internal.routing.ShardRouter;
import io.github.shardingorm.internal.routing.ShardedEntityModel;
import io.github.shardingorm.routing.StableKeyHash;
import java.lang.reflect.Member;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.generator.BeforeExecutionGenerator;
import org.hibernate.generator.EventType;
import org.hibernate.generator.EventTypeSets;
import org.hibernate.generator.GeneratorCreationContext;
import org.hibernate.service.UnknownServiceException;

/**
 * Generates {@link ShardedId} values: the entity's key bucket, this JVM's node id, the time and a
 * per-bucket sequence, laid out as documented in {@link io.github.shardingorm.ShardAwareId}.
 *
 * <p>Inside a {@code ShardedPersistence} the bucket comes from the cluster's strategy. In a plain
 * (unsharded) Hibernate SessionFactory the generator still works: it hashes the key with the
 * default bucket count ({@value Defaults#BUCKET_COUNT}) and node id 0, so a single
 * database can issue ids that are ready to be split into shards later.
 *
 * <p>{@link ShardedId} names this class ({@code @IdGeneratorType}) and this class's entity scan
 * reads {@code @ShardedId}: a cycle of three files (with {@code EntityModelScanner}) that the
 * annotation-driven generator API forces, as it does for Hibernate's {@code @UuidGenerator}. Kept.
 */
public final class ShardAwareIdGenerator implements BeforeExecutionGenerator {

    private static final long serialVersionUID = 1L;

    private final transient ShardingRuntime runtime;
    private final transient ShardAwareIdSequence sequence;

    public ShardAwareIdGenerator(ShardedId annotation, Member member, GeneratorCreationContext context) {
        ShardingRuntime found;
        try {
            found = context.getServiceRegistry().getService(ShardingRuntime.class);
        } catch (UnknownServiceException e) {
            found = null;
        }
        this.runtime = found;
        this.sequence = new ShardAwareIdSequence(found == null ? NodeIdClaim.fixed(0) : found.claim(),
                found == null ? System::currentTimeMillis : found.clock());
    }

    @Override
    public Object generate(SharedSessionContractImplementor session, Object owner, Object currentValue, EventType eventType) {
        if (runtime == null) {
            return sequence.next(standaloneBucket(owner));
        }
        ShardRouter router = runtime.router();
        ShardedEntityModel model = router.model(owner.getClass());
        return sequence.next(router.bucketOfEntity(model, owner));
    }

    private static final ClassValue<ShardedEntityModel> STANDALONE_MODELS = new ClassValue<>() {
        @Override
        protected ShardedEntityModel computeValue(Class<?> type) {
            List<String> problems = new ArrayList<>();
            Map<Class<?>, ShardedEntityModel> models = EntityModelScanner.scan(List.of(type), true,
                    Defaults.BUCKET_COUNT, problems);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("@ShardedId on " + type.getName() + ": " + String.join("; ", problems));
            }
            return models.get(type);
        }
    };

    private static int standaloneBucket(Object owner) {
        Class<?> type = org.hibernate.Hibernate.getClassLazy(owner);
        ShardedEntityModel model = STANDALONE_MODELS.get(type);
        Object raw = model.key().read(owner);
        if (raw != null && model.keyIsAssociation()) {
            raw = raw instanceof org.hibernate.proxy.HibernateProxy p ? p.getHibernateLazyInitializer().getInternalIdentifier()
                    : model.parentId().read(raw);
        }
        if (raw == null) {
            throw io.github.shardingorm.internal.routing.RoutingErrors.nullKey(model);
        }
        long hash = StableKeyHash.hash64(model.keyType().normalize(raw));
        return StableKeyHash.bucketOf(hash, Defaults.BUCKET_COUNT);
    }

    @Override
    public EnumSet<EventType> getEventTypes() {
        return EventTypeSets.INSERT_ONLY;
    }
}
