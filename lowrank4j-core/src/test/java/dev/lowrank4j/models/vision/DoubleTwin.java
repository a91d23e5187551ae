package dev.lowrank4j.models.vision;

import dev.lowrank4j.nn.Parameter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The two networks written again from their textbook definitions, one output element at a time
 * and in double, reading the models' parameters by name. They are the function the float models
 * must compute (forward check) and, with steps far too small for float32, the function whose
 * central differences the models' gradients must match: at a relative step of 1e-6 the chance that
 * a perturbation moves any ReLU or max-pool decision across its kink is about 1e-6 per unit, while
 * the 1%-of-RMS float steps of nn.GradCheck cross dozens of them in a network this size.
 */
final class DoubleTwin {
    private DoubleTwin() {}

    /** Parameters as doubles, keyed by name; the twin's loss function reads from this map. */
    static Map<String, double[]> snapshot(List<Parameter> params) {
        Map<String, double[]> out = new HashMap<>();
        for (Parameter p : params) {
            double[] d = new double[p.numel()];
            for (int i = 0; i < d.length; i++) d[i] = p.data()[i];
            out.put(p.name(), d);
        }
        return out;
    }

    /** LeNet5: conv1 → relu → pool → conv2 → relu → pool → flatten → fc1 → relu → fc2, then mean cross-entropy. */
    static ToDoubleFunction<Map<String, double[]>> lenet5Loss(float[] images, int[] labels, int c, int h, int w) {
        return p -> {
            int b = labels.length;
            double[] x = toDouble(images);
            double[] a = relu(conv(x, b, c, h, w, p.get("conv1.weight"), p.get("conv1.bias"), 20, 5));
            int h1 = h - 4, w1 = w - 4;
            a = maxPool(a, b * 20, h1, w1);
            int h2 = h1 / 2, w2 = w1 / 2;
            a = relu(conv(a, b, 20, h2, w2, p.get("conv2.weight"), p.get("conv2.bias"), 50, 5));
            int h3 = h2 - 4, w3 = w2 - 4;
            a = maxPool(a, b * 50, h3, w3);
            a = relu(linear(a, b, p.get("fc1.weight"), p.get("fc1.bias"), 500));
            return crossEntropy(linear(a, b, p.get("fc2.weight"), p.get("fc2.bias"), 10), labels, 10);
        };
    }

    /** The dense network fc1 … fc{layers}: ReLU after all but the last. */
    static ToDoubleFunction<Map<String, double[]>> mlpLoss(float[] images, int[] labels, int[] widths) {
        return p -> {
            int b = labels.length;
            double[] a = toDouble(images);
            for (int l = 0; l < widths.length; l++) {
                a = linear(a, b, p.get("fc" + (l + 1) + ".weight"), p.get("fc" + (l + 1) + ".bias"), widths[l]);
                if (l < widths.length - 1) a = relu(a);
            }
            return crossEntropy(a, labels, widths[widths.length - 1]);
        };
    }

    /** Valid (unpadded, stride 1) convolution: y[n,o,i,j] = bias[o] + Σ w[o,c,di,dj]·x[n,c,i+di,j+dj]. */
    static double[] conv(double[] x, int b, int c, int h, int w, double[] weight, double[] bias, int out, int k) {
        int oh = h - k + 1, ow = w - k + 1;
        double[] y = new double[b * out * oh * ow];
        for (int n = 0; n < b; n++) {
            for (int o = 0; o < out; o++) {
                int plane = (n * out + o) * oh * ow;
                java.util.Arrays.fill(y, plane, plane + oh * ow, bias[o]);
                for (int ci = 0; ci < c; ci++) {
                    for (int di = 0; di < k; di++) {
                        for (int dj = 0; dj < k; dj++) {
                            double wt = weight[((o * c + ci) * k + di) * k + dj];
                            for (int i = 0; i < oh; i++) {
                                int src = ((n * c + ci) * h + i + di) * w + dj, dst = plane + i * ow;
                                for (int j = 0; j < ow; j++) y[dst + j] += wt * x[src + j];
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    static double[] maxPool(double[] x, int planes, int h, int w) {
        int oh = h / 2, ow = w / 2;
        double[] y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int di = 0; di < 2; di++) {
                        for (int dj = 0; dj < 2; dj++) m = Math.max(m, x[(p * h + 2 * i + di) * w + 2 * j + dj]);
                    }
                    y[(p * oh + i) * ow + j] = m;
                }
            }
        }
        return y;
    }

    /** rows [b, in] · Wᵀ + bias with W [out, in]. */
    static double[] linear(double[] x, int b, double[] weight, double[] bias, int out) {
        int in = x.length / b;
        double[] y = new double[b * out];
        for (int n = 0; n < b; n++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int i = 0; i < in; i++) s += x[n * in + i] * weight[o * in + i];
                y[n * out + o] = s;
            }
        }
        return y;
    }

    static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.max(x[i], 0);
        return y;
    }

    static double crossEntropy(double[] logits, int[] labels, int classes) {
        double sum = 0;
        for (int r = 0; r < labels.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) max = Math.max(max, logits[r * classes + j]);
            double s = 0;
            for (int j = 0; j < classes; j++) s += Math.exp(logits[r * classes + j] - max);
            sum += max + Math.log(s) - logits[r * classes + labels[r]];
        }
        return sum / labels.length;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
