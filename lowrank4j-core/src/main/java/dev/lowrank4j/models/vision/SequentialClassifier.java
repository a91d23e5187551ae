package dev.lowrank4j.models.vision;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.Conv2d;
import dev.lowrank4j.nn.CrossEntropyLoss;
import dev.lowrank4j.nn.Flatten;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.MaxPool2d;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.nn.ReLU;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The machinery LeNet5 and the dense network share: a chain of stages run forward in order and
 * backward in reverse, the replaceable weight layers by module path, PyTorch's default
 * initialisation, and the softmax cross-entropy loss. A subclass only lists its stages.
 */
abstract class SequentialClassifier implements ImageClassifier {
    /** {@code parametersOnly}: backward without dx, for a stage with weights; null for the others. */
    private record Stage(UnaryOperator<Tensor> forward, UnaryOperator<Tensor> backward, Consumer<Tensor> parametersOnly,
                         LongSupplier activationBytes) {}

    /** Where a replaceable layer sits: a dense stage's own field, or a convolution's projection. */
    private record Slot(Supplier<LinearLayer> get, Consumer<LinearLayer> set) {}

    /** A dense stage whose layer can be swapped; the stage reads the field on every call. */
    private static final class DenseSlot {
        LinearLayer layer;

        DenseSlot(LinearLayer layer) {
            this.layer = layer;
        }
    }

    private final int channels, height, width, numClasses;
    private final List<Stage> stages = new ArrayList<>();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();
    private Tensor input;
    private boolean forwardDone;

    SequentialClassifier(int channels, int height, int width, int numClasses) {
        if (channels < 1 || height < 1 || width < 1 || numClasses < 2) {
            throw new Lowrank4jException("an image classifier needs channels, height and width >= 1 and at least 2 classes, got "
                    + channels + "x" + height + "x" + width + " and " + numClasses + " classes");
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
    }

    // ---------------------------------------------------------------- building (subclass constructors)

    final void addConv(Conv2d conv) {
        stages.add(new Stage(conv::forward, conv::backward, conv::backwardParametersOnly, conv::activationBytes));
        addSlot(conv.modulePath(), new Slot(conv::projection, conv::setProjection));
    }

    final void addDense(String modulePath, LinearLayer layer) {
        DenseSlot slot = new DenseSlot(layer);
        stages.add(new Stage(x -> slot.layer.forward(x), dy -> slot.layer.backward(dy), dy -> slot.layer.backwardParametersOnly(dy),
                () -> slot.layer.activationBytes()));
        addSlot(modulePath, new Slot(() -> slot.layer, l -> slot.layer = l));
    }

    final void addRelu() {
        ReLU relu = new ReLU();
        stages.add(new Stage(relu::forward, relu::backward, null, relu::activationBytes));
    }

    final void addMaxPool(MaxPool2d pool) {
        stages.add(new Stage(pool::forward, pool::backward, null, pool::activationBytes));
    }

    final void addFlatten() {
        Flatten flatten = new Flatten();
        stages.add(new Stage(flatten::forward, flatten::backward, null, () -> 0));
    }

    private void addSlot(String modulePath, Slot slot) {
        if (slots.putIfAbsent(modulePath, slot) != null) throw new IllegalStateException("duplicate module path " + modulePath);
    }

    /** PyTorch's default Linear/Conv2d initialisation of every weight layer (see {@link PyTorchInit}). */
    final void initialize(long seed) {
        for (Slot s : slots.values()) PyTorchInit.defaultInit(s.get().get(), seed);
    }

    /** Valid module paths for error messages. */
    abstract String exampleModulePaths();

    // ---------------------------------------------------------------- ImageClassifier

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    /** Every weight layer by module path, in model order (for a convolution: its patch projection). */
    @Override
    public Map<String, LinearLayer> linears() {
        Map<String, LinearLayer> out = new LinkedHashMap<>();
        slots.forEach((path, slot) -> out.put(path, slot.get().get()));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public void replaceLinear(String modulePath, LinearLayer replacement) {
        ModuleHost.checkReplacement(linears(), modulePath, replacement, exampleModulePaths());
        slots.get(modulePath).set().accept(replacement);
    }

    /** Every parameter once, layer by layer in model order (weight then bias, as PyTorch's named_parameters). */
    @Override
    public List<Parameter> parameters() {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> out = new ArrayList<>();
        for (Slot s : slots.values()) for (Parameter p : s.get().get().parameters()) if (seen.add(p)) out.add(p);
        return out;
    }

    @Override
    public Tensor forward(float[] images, int batch) {
        long pixels = (long) channels * height * width;
        if (batch < 1 || images.length != batch * pixels) {
            throw new Lowrank4jException("expected batch·channels·height·width = " + batch + "·" + channels + "·" + height
                    + "·" + width + " pixel values, got " + images.length);
        }
        if (input == null || input.data != images || input.dim(0) != batch) input = new Tensor(images, batch, channels, height, width);
        Tensor h = input;
        for (Stage s : stages) h = s.forward().apply(h);
        forwardDone = true;
        return h;
    }

    @Override
    public void backward(Tensor logitsGrad) {
        if (!forwardDone) throw new IllegalStateException("backward called before forward");
        // Stages up to the first with weights see only the images, which need no gradient: that
        // stage adds its parameter gradients and the pass ends there (LeNet5 skips conv1's
        // input-gradient product and patch fold, the dense network fc1's 784-wide dx).
        int first = 0;
        while (stages.get(first).parametersOnly() == null) first++;
        Tensor g = logitsGrad;
        for (int i = stages.size() - 1; i > first; i--) g = stages.get(i).backward().apply(g);
        stages.get(first).parametersOnly().accept(g);
    }

    @Override
    public float loss(float[] images, int[] labels, int batch) {
        return crossEntropy.forward(forward(images, batch), labels);
    }

    @Override
    public float lossAndBackward(float[] images, int[] labels, int batch) {
        float loss = loss(images, labels, batch);
        backward(crossEntropy.backward());
        return loss;
    }

    @Override
    public void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }

    @Override
    public long activationBytes() {
        long bytes = crossEntropy.activationBytes();
        for (Stage s : stages) bytes += s.activationBytes().getAsLong();
        return bytes;
    }
}
