package dev.lowrank4j.train;

import dev.lowrank4j.model.LlamaModel;
import dev.lowrank4j.tasks.ModelShape;
import dev.lowrank4j.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class DeterminismProbeTest {
    @Test
    void sameInputsSameGradients() {
        ModelShape shape = new ModelShape(256, 24, 2, 2, 1, 40, 16);
        LlamaModel a = new LlamaModel(shape.toConfig(), 7), b = new LlamaModel(shape.toConfig(), 7);
        Rng r = new Rng(1);
        int[] ids = new int[48], tg = new int[48];
        for (int i = 0; i < 48; i++) { ids[i] = r.nextInt(256); tg[i] = r.nextInt(256); }
        for (int k = 0; k < 3; k++) {
            a.zeroGrad(); b.zeroGrad();
            a.lossAndBackward(ids, tg, 3, 16);
            b.lossAndBackward(ids, tg, 3, 16);
            for (int i = 0; i < a.parameters().size(); i++)
                assertArrayEquals(a.parameters().get(i).grad().data, b.parameters().get(i).grad().data, 0f, a.parameters().get(i).name());
        }
    }
}
