package io.github.shardingorm.saga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SagaDefinitionTest {

    private static final SagaAction NOTHING = (s, a) -> { };

    @Test
    void keepsStepsInOrder() {
        SagaDefinition d = SagaDefinition.named("follow")
                .step("a", args -> 1L, NOTHING, NOTHING)
                .step("b", args -> 2L, NOTHING, null)
                .build();
        assertEquals("follow", d.type());
        assertEquals(List.of("a", "b"), d.steps().stream().map(SagaDefinition.Step::name).toList());
    }

    @Test
    void refusesDuplicateStepNamesReservedTypesAndEmptySagas() {
        SagaDefinition.Builder b = SagaDefinition.named("x").step("a", args -> 1L, NOTHING, NOTHING);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.step("a", args -> 1L, NOTHING, NOTHING))
                .getMessage().contains("already has a step named 'a'"));
        assertThrows(IllegalArgumentException.class, () -> SagaDefinition.named("shorm.mine"));
        assertThrows(IllegalArgumentException.class, () -> SagaDefinition.named(""));
        assertThrows(IllegalStateException.class, () -> SagaDefinition.named("empty").build());
        assertThrows(NullPointerException.class, () -> SagaDefinition.named("y").step("a", null, NOTHING, NOTHING));
    }
}
