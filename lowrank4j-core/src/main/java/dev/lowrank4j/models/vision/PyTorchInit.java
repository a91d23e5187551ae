package dev.lowrank4j.models.vision;

import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.util.Rng;

/**
 * torch.nn.Linear's and torch.nn.Conv2d's reset_parameters, which both DLRT code bases keep for
 * their layers (ScSteffen/DLRT custom_layers, COMPiLELab/DLRT-Net optimizer_KLS): the weight from
 * kaiming_uniform_(a=√5), whose bound gain·√(3/fan_in) with gain = √(2/(1+a²)) is exactly
 * 1/√fan_in, and the bias from U(−1/√fan_in, 1/√fan_in); fan_in is in·k·k for a convolution, which
 * is the layer's {@link LinearLayer#inFeatures()}.
 *
 * <p>Every parameter draws from its own {@link Rng} stream seeded by the model seed and the
 * parameter's name, so a value depends only on (seed, name, index), not on the order of layers.
 */
final class PyTorchInit {
    private PyTorchInit() {}

    static void defaultInit(LinearLayer layer, long seed) {
        double bound = 1.0 / Math.sqrt(layer.inFeatures());
        for (Parameter p : layer.parameters()) uniform(p, seed, bound); // weight and bias share the bound
    }

    /** Fills p with U(−bound, bound). */
    static void uniform(Parameter p, long seed, double bound) {
        Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + p.name().hashCode()); // String.hashCode is fixed by the JLS
        float[] d = p.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
    }
}
