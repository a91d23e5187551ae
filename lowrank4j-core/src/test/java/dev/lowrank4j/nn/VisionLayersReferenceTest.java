package dev.lowrank4j.nn;

import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * conv (3→4, k3, stride 2, padding 1) → ReLU → max-pool 2 → flatten → linear → cross-entropy, forward
 * and backward, against the same stack run by PyTorch (scripts/reference/make_vision_reference.py).
 * It pins what finite differences cannot see: the weight layout, where padding and stride put
 * each window, the flatten order and the mean reduction of the loss.
 */
class VisionLayersReferenceTest {
    /** Values are O(1); float32 sums over at most 27 products in a different order than PyTorch's. */
    private static final float TOLERANCE = 2e-5f;

    @Test
    void forwardAndEveryGradientMatchPyTorch() throws URISyntaxException {
        Path file = Path.of(VisionLayersReferenceTest.class.getResource("/vision-reference/layers.safetensors").toURI());
        try (SafeTensorsFile ref = SafeTensors.open(file)) {
            Conv2d conv = Conv2d.create("conv", 3, 4, 3, 2, 1, true);
            ConvKernel kernel = (ConvKernel) conv.projection();
            kernel.weight().set(ref.readFloat("conv.weight"));
            kernel.bias().set(ref.readFloat("conv.bias"));
            Linear fc = Linear.create("fc", 16, 5, true);
            fc.weight().set(ref.readFloat("fc.weight"));
            fc.bias().set(ref.readFloat("fc.bias"));
            ReLU relu = new ReLU();
            MaxPool2d pool = new MaxPool2d(2, 2);
            Flatten flatten = new Flatten();
            CrossEntropyLoss loss = new CrossEntropyLoss();

            Tensor x = ref.readFloat("x");
            int[] labels = java.util.Arrays.stream(ref.readLong("labels")).mapToInt(l -> (int) l).toArray();
            Tensor convOut = conv.forward(x);
            assertClose(ref.readFloat("conv_out"), convOut, "conv_out");
            Tensor reluOut = relu.forward(convOut);
            assertClose(ref.readFloat("relu_out"), reluOut, "relu_out");
            Tensor poolOut = pool.forward(reluOut);
            assertClose(ref.readFloat("pool_out"), poolOut, "pool_out");
            Tensor logits = fc.forward(flatten.forward(poolOut));
            assertClose(ref.readFloat("logits"), logits, "logits");
            assertEquals(ref.readFloat("loss").data[0], loss.forward(logits, labels), TOLERANCE, "loss");

            Tensor dx = conv.backward(relu.backward(pool.backward(flatten.backward(fc.backward(loss.backward())))));
            assertClose(ref.readFloat("grad.x"), dx, "grad.x");
            assertClose(ref.readFloat("grad.conv.weight"), kernel.weight().grad(), "grad.conv.weight");
            assertClose(ref.readFloat("grad.conv.bias"), kernel.bias().grad(), "grad.conv.bias");
            assertClose(ref.readFloat("grad.fc.weight"), fc.weight().grad().reshape(5, 16), "grad.fc.weight");
            assertClose(ref.readFloat("grad.fc.bias"), fc.bias().grad(), "grad.fc.bias");
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        assertArrayEquals(expected.data, actual.data, TOLERANCE, what);
    }
}
