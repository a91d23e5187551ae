package dev.lowrank4j.quant.act;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationQuantizedLinearTest {
    /** y = x: what the wrapper feeds the linear is then visible in its output. */
    private static Linear identity(int n) {
        Linear l = Linear.create("id", n, n, false);
        for (int i = 0; i < n; i++) l.weight().data()[i * n + i] = 1f;
        return l;
    }

    @Test
    void perTokenGridsFollowEachRowsOwnRange() {
        Tensor x = new Tensor(new float[] {-1f, 0f, 0.3f, 2f, /* row 2: one-signed, tiny */ 0.001f, 0.002f, 0.0035f, 0f}, 2, 4);
        Tensor y = new ActivationQuantizedLinear(identity(4), ActivationMode.PER_TOKEN_DYNAMIC, 8, 0).forward(x);
        float s0 = 3f / 255, s1 = 0.0035f / 255;
        float[] scales = {s0, s0, s0, s0, s1, s1, s1, s1};
        for (int i = 0; i < 8; i++) {
            assertTrue(Math.abs(y.data[i] - x.data[i]) <= scales[i] / 2 * 1.0001, "element " + i);
            double code = y.data[i] / scales[i];
            assertEquals(Math.rint(code), code, 1e-3, "element " + i + " lies on its row's grid");
        }
        assertEquals(0f, y.data[1]);
        assertEquals(0f, y.data[7]);
    }

    @Test
    void staticRangeComesFromObservedInputsAndClampsBeyondIt() {
        ActivationQuantizedLinear q = new ActivationQuantizedLinear(identity(2), ActivationMode.PER_TENSOR_STATIC, 8, 0);
        q.observe(true);
        Tensor seen1 = q.forward(new Tensor(new float[] {-0.5f, 1f}, 1, 2));
        assertEquals(1f, seen1.data[1], "observing leaves the input as it is");
        q.forward(new Tensor(new float[] {2f, 0.25f}, 1, 2));
        q.observe(false);
        q.freeze();
        assertEquals(2.5f / 255, q.staticScale(), 1e-9);
        assertEquals(51, q.staticZero()); // round(0.5 / (2.5/255)) = round(51.0)
        Tensor y = q.forward(new Tensor(new float[] {5f, -3f}, 1, 2));
        assertEquals((255 - 51) * q.staticScale(), y.data[0], 1e-6);
        assertEquals(-51 * q.staticScale(), y.data[1], 1e-6);
    }

    @Test
    void keyAndValueOutputsAreQuantizedPerToken() {
        Tensor x = new Tensor(new float[] {0.1234f, -0.777f, 0.5f}, 1, 3);
        Tensor y = new ActivationQuantizedLinear(identity(3), ActivationMode.PER_TOKEN_DYNAMIC, 8, 4).forward(x);
        float s = (0.5f + 0.777f) / 15; // the 4-bit output grid is coarser than the 8-bit input grid
        for (int i = 0; i < 3; i++) {
            double code = y.data[i] / s;
            assertEquals(Math.rint(code), code, 1e-3, "output " + i);
        }
        assertTrue(QuantScheme.isKeyOrValue("model.layers.0.self_attn.v_proj"));
        assertTrue(QuantScheme.isKeyOrValue("encoder.layer.2.attention.self.key"));
        assertTrue(!QuantScheme.isKeyOrValue("model.layers.0.self_attn.q_proj"));
    }

    @Test
    void schemesAreNamedAsThePapersDo() {
        assertEquals("W4A16", QuantScheme.of(4, 16).name());
        assertEquals(ActivationMode.PER_TENSOR_STATIC, QuantScheme.of(8, 8).activation());
        QuantScheme w4a8 = QuantScheme.of(4, 8);
        assertEquals(ActivationMode.PER_TOKEN_DYNAMIC, w4a8.activation());
        assertEquals(8, w4a8.kvBits());
        assertThrows(Lowrank4jException.class, () -> QuantScheme.of(4, 12));
        assertThrows(Lowrank4jException.class, () -> QuantScheme.of(1, 16));
    }
}
