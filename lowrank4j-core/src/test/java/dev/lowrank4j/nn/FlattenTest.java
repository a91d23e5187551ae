package dev.lowrank4j.nn;

import dev.lowrank4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlattenTest {
    @Test
    void flattensAllButTheBatchAxisWithoutCopying() {
        Flatten flatten = new Flatten();
        Tensor x = Tensor.zeros(2, 50, 4, 4);
        Tensor y = flatten.forward(x);
        assertArrayEquals(new int[] {2, 800}, y.shape());
        assertSame(x.data, y.data, "a view: NCHW row-major is already torch.flatten(x, 1) order");
        Tensor dy = Tensor.zeros(2, 800);
        Tensor dx = flatten.backward(dy);
        assertArrayEquals(new int[] {2, 50, 4, 4}, dx.shape());
        assertSame(dy.data, dx.data);
        assertArrayEquals(new int[] {0, 12}, flatten.forward(Tensor.zeros(0, 3, 2, 2)).shape(), "empty batch keeps its width");
    }

    @Test
    void rejectsMisuse() {
        Flatten flatten = new Flatten();
        assertThrows(IllegalStateException.class, () -> flatten.backward(Tensor.zeros(1, 4)));
        assertThrows(IllegalArgumentException.class, () -> flatten.forward(Tensor.zeros(4)));
    }
}
