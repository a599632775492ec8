package io.github.shardingorm.internal.id;

import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardedId;
import io.github.shardingorm.internal.engine.ShardRouter;
import io.github.shardingorm.internal.engine.ShardedEntityModel;
import java.lang.reflect.Member;
import java.util.EnumSet;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.generator.BeforeExecutionGenerator;
import org.hibernate.generator.EventType;
import org.hibernate.generator.EventTypeSets;
import org.hibernate.generator.GeneratorCreationContext;

/**
 * Generates {@link ShardedId} values: the entity's key bucket, this JVM's node id, the time and a
 * per-bucket sequence, laid out as documented in {@link ShardAwareId}.
 */
public final class ShardAwareIdGenerator implements BeforeExecutionGenerator {

    private static final long serialVersionUID = 1L;

    private final transient ShardingRuntime runtime;
    private final transient ShardAwareIdSequence sequence;

    public ShardAwareIdGenerator(ShardedId annotation, Member member, GeneratorCreationContext context) {
        this.runtime = context.getServiceRegistry().requireService(ShardingRuntime.class);
        this.sequence = new ShardAwareIdSequence(runtime.nodeId(), runtime.clock());
    }

    @Override
    public Object generate(SharedSessionContractImplementor session, Object owner, Object currentValue, EventType eventType) {
        ShardRouter router = runtime.router();
        ShardedEntityModel model = router.model(owner.getClass());
        int bucket = router.bucketOfEntity(model, owner);
        return sequence.next(bucket);
    }

    @Override
    public EnumSet<EventType> getEventTypes() {
        return EventTypeSets.INSERT_ONLY;
    }
}
