package dev.lowrank4j.tasks;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.models.llama.LlamaModel;
import dev.lowrank4j.nn.Parameter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check made before a model is built: its counts against a built model, and the refusal. */
class MemoryFitTest {
    @Test
    void fullAdamCountsFourFloatsPerParameterOfTheBuiltModelWithGroupedQueryHeads() {
        // kv heads 2 of 8: k_proj and v_proj have a quarter of q_proj's rows, which the count must see
        ModelShape shape = new ModelShape(300, 64, 2, 8, 2, 96, 32);
        long parameters = 0;
        for (Parameter p : new LlamaModel(shape.toConfig(), 1).parameters()) parameters += p.value().size();
        long bytes = MemoryFit.stateBytes(shape, PretrainMethod.defaults(PretrainMethod.Kind.FULL));
        assertEquals(4L * Float.BYTES * parameters, bytes); // weight, gradient, two Adam moments
    }

    @Test
    void lowRankCountsAreBelowFullAndUnpricedMethodsOrRanksAreLeftToTheMethod() {
        ModelShape shape = new ModelShape(300, 64, 2, 8, 8, 96, 32);
        long full = MemoryFit.stateBytes(shape, PretrainMethod.defaults(PretrainMethod.Kind.FULL));
        long galore = MemoryFit.stateBytes(shape, PretrainMethod.defaults(PretrainMethod.Kind.GALORE));
        assertTrue(galore > 0 && galore < full, galore + " vs " + full);
        assertEquals(-1, MemoryFit.stateBytes(shape, PretrainMethod.loqt(true, 8)));
        PretrainMethod tooHighRank = new PretrainMethod(PretrainMethod.Kind.LORA, 65, 200, 0.25, 32, "std");
        assertEquals(-1, MemoryFit.stateBytes(shape, tooHighRank));
    }

    @Test
    void aModelLargerThanTheHeapIsOneLineNamingMaxMemory() {
        long tooMuch = Runtime.getRuntime().maxMemory() + (1L << 30);
        Lowrank4jException e = assertThrows(Lowrank4jException.class, () -> MemoryFit.require(tooMuch, "this run"));
        assertTrue(e.getMessage().startsWith("this run needs at least ") && e.getMessage().contains("--max-memory"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
