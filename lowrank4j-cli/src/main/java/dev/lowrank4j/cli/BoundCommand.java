package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.bounds.BoundReport;
import dev.lowrank4j.bounds.Bounds;
import dev.lowrank4j.bounds.CheckpointLayers;
import dev.lowrank4j.bounds.ClassifierFolder;
import dev.lowrank4j.bounds.DataStats;
import dev.lowrank4j.bounds.KoopmanOptions;
import dev.lowrank4j.bounds.MarginStats;
import dev.lowrank4j.bounds.MatrixLayers;
import dev.lowrank4j.bounds.SyntheticNetworks;
import dev.lowrank4j.data.images.ImageDataset;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.data.images.VisionDatasets;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "bound", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generalization bounds of a trained network: the Koopman-based bound beside norm-based bounds,"
                + " with spectral norms, condition numbers and stable ranks per layer.",
        footer = {"", "Examples:",
                "  lowrank4j bound --synthetic orthogonal --width 128 --depth 4",
                "  lowrank4j bound --synthetic gaussian --width 512 --depth 3 --json",
                "  lowrank4j bound --model runs/mlp64 --data src/test/resources/digits-8x8 --split train --json",
                "  lowrank4j bound --model runs/pretrain-full        # a LLaMA run: per-layer spectra",
                "  lowrank4j bound --model runs/dlrt-mlp --data mnist --split test   # a DLRT run (or its model/, a checkpoint)",
                "  lowrank4j bound --model minilm --json             # the pretrained MiniLM",
                "",
                "Bounds (keys of the JSON 'totals'): koopman (Hashimoto et al. 2024), frobenius and path (Neyshabur et al.",
                "2015), golowich (Golowich et al. 2018), spectral (Bartlett et al. 2017), pacbayes (Neyshabur et al. 2018).",
                "Values are log10 of the weights-only complexities; with --data also log10 of the complexity term of the",
                "generalization gap (constants and confidence terms dropped). Convolutions are taken as their patch",
                "matrices [out, in*k*k]; transformers get exact per-layer numbers but their totals are not bounds of",
                "the network (see docs/BOUNDS.md)."})
final class BoundCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "RUN_OR_DIR", description = "A model folder, run folder or checkpoint (LLaMA, BERT, image classifier, DLRT run or model), or minilm.")
    String model;
    @Option(names = "--synthetic", description = "Draw a square network instead: orthogonal or gaussian.")
    String synthetic;
    @Option(names = "--width", description = "Width of the synthetic network (default: 64).")
    Integer width;
    @Option(names = "--depth", description = "Number of layers of the synthetic network (default: 4).")
    Integer depth;
    @Option(names = "--seed", description = "Seed of the synthetic network (default: 42).")
    Long seed;
    @Option(names = "--data", description = "Image data for margins and input norms (image classifiers only): mnist,"
            + " fashion-mnist, or a folder with the four IDX files.")
    String data;
    @Option(names = "--split", description = "With --data: train or test (default: train).")
    String split;
    @Option(names = "--margin-quantile", description = "With --data: the margin gamma is this quantile of the"
            + " margins on the split (default: 0.1).")
    Double marginQuantile;
    @Option(names = "--sobolev-offset", defaultValue = "0.5", description = "Koopman: Sobolev order s_j = d_j/2 + offset"
            + " (default: ${DEFAULT-VALUE}).")
    double sobolevOffset;
    @Option(names = "--sobolev-order", description = "Koopman: one Sobolev order s for all layers (must exceed d_j/2).")
    Double sobolevOrder;
    @Option(names = "--activation-log-factor", defaultValue = "0", description = "Koopman: ln of the activation's"
            + " Koopman-operator norm per activation (default: ${DEFAULT-VALUE}, an assumption for ReLU).")
    double activationLogFactor;
    @Option(names = "--koopman-include-last", description = "Koopman: count the last layer as a factor instead of"
            + " taking it into the final function g.")
    boolean includeLast;
    @Option(names = "--out", description = "Also write the JSON report to this file (atomically).")
    Path out;
    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if ((model == null) == (synthetic == null)) throw new Lowrank4jException("give exactly one of --model and --synthetic");
        KoopmanOptions koopman = new KoopmanOptions(sobolevOffset, sobolevOrder, activationLogFactor, !includeLast);
        if (synthetic == null && (width != null || depth != null || seed != null)) {
            throw new Lowrank4jException("--width, --depth and --seed do nothing with --model (they shape --synthetic networks)");
        }
        if (data == null && (split != null || marginQuantile != null)) {
            throw new Lowrank4jException("--split and --margin-quantile do nothing without --data");
        }
        if (split == null) split = "train";
        if (marginQuantile == null) marginQuantile = 0.1;
        PhaseProgress progress = PhaseProgress.beside(json);
        MatrixLayers net;
        DataStats stats = null;
        if (synthetic != null) {
            if (data != null) throw new Lowrank4jException("--data applies to --model image classifiers, not to --synthetic");
            net = SyntheticNetworks.draw(synthetic, width == null ? 64 : width, depth == null ? 4 : depth, seed == null ? 42 : seed);
        } else {
            net = progress.during("loading " + model, () -> CheckpointLayers.load(model));
            if (data != null) stats = progress.during("margins on " + data + " (" + split + ")", () -> dataStats(Path.of(model), data));
        }
        BoundReport report = Bounds.compute(net, stats, koopman, progress);
        if (stats != null && !stats.hasPositiveMargin()) {
            System.err.println("warning: the margin at quantile " + marginQuantile + " is " + stats.margin()
                    + " (not positive): the margin bounds are not computed; raise --margin-quantile");
        }
        if (out != null) Json.writeAtomically(out, report.toJson());
        System.out.print(json ? Json.compact(report.toJson()) + "\n" : report.format());
        return 0;
    }

    private DataStats dataStats(Path dir, String spec) {
        ImageClassifier classifier = CheckpointLayers.imageClassifier(dir).orElseThrow(() -> new Lowrank4jException(
                "--data needs an image classifier (a folder with config.json model_type " + ClassifierFolder.MODEL_TYPE
                        + ", or a DLRT model, checkpoint or run folder); margins of language models are not implemented"));
        ImageSplit s = VisionDatasets.load(spec);
        ImageDataset part = switch (split) {
            case "train" -> s.train();
            case "test" -> s.test();
            default -> throw new Lowrank4jException("--split must be train or test, got '" + split + "'");
        };
        if (part.channels() != classifier.channels() || part.height() != classifier.height() || part.width() != classifier.width()) {
            throw new Lowrank4jException(part + " does not match the model's input " + classifier.channels() + "x"
                    + classifier.height() + "x" + classifier.width());
        }
        return MarginStats.of(classifier, part, split, marginQuantile);
    }
}
