package dev.lowrank4j.models.vision;

import dev.lowrank4j.nn.GradCheck;
import dev.lowrank4j.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each model's whole backward, for every parameter tensor, against central differences of the
 * loss along random directions (see {@link DoubleTwin} for why the differences are taken of the
 * double-precision twin rather than of the float model). The twin's loss at the base point must
 * also equal the model's: the forward check.
 */
class VisionModelGradientTest {
    private static final int BATCH = 2;
    /** Relative step along a direction scaled to the tensor's RMS; double keeps ~10 digits of the difference. */
    private static final double STEP = 1e-6;
    /**
     * The float model's gradient is that of its float forward, which is the double one to ~1e-6:
     * measured disagreements are below 1e-6, while a gradient 1% off disagrees by 1e-2.
     */
    private static final double RELATIVE_TOLERANCE = 1e-5;
    private static final double LOSS_TOLERANCE = 1e-5;
    private static final int DIRECTIONS = 3;
    /** U(−√3, √3) has variance 1. */
    private static final double UNIT_VARIANCE = Math.sqrt(3);

    @Test
    void lenet5BackwardMatchesFiniteDifferences() {
        LeNet5 model = LeNet5.mnist(1);
        Batch batch = randomBatch(model, new SplittableRandom(1));
        check(model, batch, DoubleTwin.lenet5Loss(batch.images, batch.labels, 1, 28, 28));
    }

    @Test
    void mlpBackwardMatchesFiniteDifferences() {
        Mlp model = Mlp.dlrt(2);
        Batch batch = randomBatch(model, new SplittableRandom(2));
        check(model, batch, DoubleTwin.mlpLoss(batch.images, batch.labels, new int[] {500, 500, 500, 500, 10}));
    }

    private record Batch(float[] images, int[] labels) {}

    private static Batch randomBatch(ImageClassifier model, SplittableRandom rng) {
        float[] images = new float[BATCH * model.channels() * model.height() * model.width()];
        for (int i = 0; i < images.length; i++) images[i] = (float) rng.nextDouble();
        int[] labels = new int[BATCH];
        for (int i = 0; i < BATCH; i++) labels[i] = rng.nextInt(model.numClasses());
        return new Batch(images, labels);
    }

    private static void check(ImageClassifier model, Batch batch, ToDoubleFunction<Map<String, double[]>> twin) {
        model.zeroGrad();
        float loss = model.lossAndBackward(batch.images, batch.labels, BATCH);
        Map<String, double[]> params = DoubleTwin.snapshot(model.parameters());
        assertEquals(twin.applyAsDouble(params), loss, LOSS_TOLERANCE, "the model's loss is the twin's");

        SplittableRandom rng = new SplittableRandom(99);
        List<String> failures = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            double[] theta = params.get(p.name()), saved = theta.clone();
            float[] g = p.grad().data;
            double scale = Math.max(rms(saved), 1e-3), gradNorm = 0;
            for (float v : g) gradNorm += (double) v * v;
            gradNorm = Math.sqrt(gradNorm);
            for (int d = 0; d < DIRECTIONS; d++) {
                double[] u = new double[theta.length];
                double analytic = 0;
                for (int i = 0; i < u.length; i++) {
                    u[i] = scale * UNIT_VARIANCE * (2 * rng.nextDouble() - 1); // cheaper than normals, same role
                    analytic += g[i] * u[i];
                }
                for (int i = 0; i < u.length; i++) theta[i] = saved[i] + STEP * u[i];
                double plus = twin.applyAsDouble(params);
                for (int i = 0; i < u.length; i++) theta[i] = saved[i] - STEP * u[i];
                double minus = twin.applyAsDouble(params);
                System.arraycopy(saved, 0, theta, 0, saved.length);
                double numeric = (plus - minus) / (2 * STEP);
                double denominator = Math.max(GradCheck.ABSOLUTE_FLOOR,
                        Math.max(gradNorm * scale, Math.max(Math.abs(numeric), Math.abs(analytic))));
                double err = Math.abs(numeric - analytic) / denominator;
                if (!(err <= RELATIVE_TOLERANCE)) failures.add(p.name() + " direction " + d + ": " + err);
            }
        }
        assertTrue(failures.isEmpty(), "gradient mismatches: " + failures);
    }

    private static double rms(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return a.length == 0 ? 0 : Math.sqrt(s / a.length);
    }
}
