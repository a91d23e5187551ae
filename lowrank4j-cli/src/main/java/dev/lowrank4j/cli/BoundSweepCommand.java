package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.bounds.BoundSweep;
import dev.lowrank4j.bounds.ClassifierTraining;
import dev.lowrank4j.bounds.KoopmanOptions;
import dev.lowrank4j.data.images.AreaResize;
import dev.lowrank4j.data.images.EpochOrder;
import dev.lowrank4j.data.images.ImageDataset;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.data.images.VisionDatasets;
import dev.lowrank4j.kernels.Parallel;
import dev.lowrank4j.util.Json;
import dev.lowrank4j.util.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bound-sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains MLPs with equal hidden widths, with and without a penalty pulling singular values to 1,"
                + " and reports the generalization gap beside every bound (docs/BOUNDS.md).",
        footer = {"", "Examples:",
                "  lowrank4j bound-sweep --data lowrank4j-core/src/test/resources/digits-8x8 --out runs/bounds-digits",
                "  lowrank4j bound-sweep --data fashion-mnist --train-limit 2000 --widths 784 --epochs 10 --out runs/bounds-fmnist",
                "  lowrank4j bound-sweep --data mnist --resize 8,14,28 --square --penalties 0,0.01,0.1 --epochs 10 --out runs/bounds-square",
                "  lowrank4j bound-sweep --data fashion-mnist --resize 8,14,28 --square --penalties 0,0.1 --seeds 1,2 --out runs/bounds-fashion",
                "", "Writes OUT/sweep.json, OUT/sweep.md and one model folder per run (readable by 'lowrank4j bound --model')."})
final class BoundSweepCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "mnist, fashion-mnist, or a folder with the four IDX files.")
    String data;
    @Option(names = "--out", required = true, description = "Folder for the runs and the summary.")
    Path out;
    @Option(names = "--widths", split = ",", description = "Hidden widths (default: 64,128,256).")
    List<Integer> widths;
    @Option(names = "--resize", split = ",", paramLabel = "SIDE", description = "Shrink the images to SIDE x SIDE by area averaging, one sweep over"
            + " all the sizes given (e.g. 8,14,28 for MNIST); default: as they are.")
    List<Integer> resize;
    @Option(names = "--square", description = "Every hidden layer as wide as the input (pixels per image), so all matrices but the head are"
            + " square and the Koopman bound is defined; instead of --widths.")
    boolean square;
    @Option(names = "--hidden-layers", defaultValue = "2", description = "Hidden layers per MLP (default: ${DEFAULT-VALUE}).")
    int hiddenLayers;
    @Option(names = "--penalties", split = ",", defaultValue = "0,0.01", description = "lambda of lambda*|W^T W - I|_F^2 on the"
            + " hidden weights; 0 = none (default: ${DEFAULT-VALUE}).")
    List<Double> penalties;
    @Option(names = "--epochs", defaultValue = "30", description = "(default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--batch", defaultValue = "64", description = "(default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the --train-limit subset, and of the training when"
            + " --seeds is not given (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--seeds", split = ",", paramLabel = "SEED", description = "Train every configuration once per seed (e.g. 1,2,3);"
            + " run names end in -seedN when there are several. The --train-limit subset stays the one of --seed.")
    List<Long> seeds;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;
    @Option(names = "--train-limit", description = "Use this many training images (a seeded random subset) to save CPU.")
    Integer trainLimit;
    @Option(names = "--margin-quantile", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE})")
    double marginQuantile;

    @Override
    public Integer call() {
        if (hiddenLayers < 1 || epochs < 1 || batch < 1 || !(lr > 0)) {
            throw new Lowrank4jException("--hidden-layers, --epochs, --batch must be >= 1 and --lr > 0");
        }
        if (threads != null) Parallel.setThreads(threads);
        if (square && widths != null) throw new Lowrank4jException("--square sets the widths; leave out --widths");
        List<Integer> given = widths != null ? widths : List.of(64, 128, 256);
        for (int w : given) if (w < 1) throw new Lowrank4jException("--widths must be >= 1, got " + w);
        for (double p : penalties) if (!(p >= 0)) throw new Lowrank4jException("--penalties must be >= 0, got " + p);
        ImageSplit split = VisionDatasets.load(data);
        ImageDataset train = split.train();
        if (trainLimit != null) {
            if (trainLimit < 1) throw new Lowrank4jException("--train-limit must be >= 1, got " + trainLimit);
            if (trainLimit < train.size()) {
                int[] idx = Arrays.copyOf(EpochOrder.permutation(train.size(), new Rng(seed)), trainLimit);
                train = train.subset(train.name() + " (" + trainLimit + " of " + train.size() + ")", idx);
            }
        }
        List<BoundSweep.Input> inputs = new ArrayList<>();
        for (Integer side : resize != null ? resize : java.util.Collections.<Integer>singletonList(null)) {
            ImageSplit sized = side == null ? new ImageSplit(train, split.test())
                    : new ImageSplit(AreaResize.resize(train, side), AreaResize.resize(split.test(), side));
            List<Integer> w = square ? List.of(sized.train().pixelsPerImage()) : given;
            inputs.add(new BoundSweep.Input(side == null ? "" : "s" + side, sized, w));
        }
        var cfg = new BoundSweep.Config(data, inputs, hiddenLayers, penalties, seeds != null ? seeds : List.of(seed),
                new ClassifierTraining.Settings(epochs, batch, lr, 0, seed), marginQuantile, KoopmanOptions.defaults(), out);
        var result = BoundSweep.run(cfg, line -> System.err.println(line));
        System.out.println(Json.pretty(result.get("spearman")));
        System.err.println("wrote " + out.resolve("sweep.md") + " and " + out.resolve("sweep.json"));
        return 0;
    }
}
