package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.bounds.BoundReport;
import dev.lowrank4j.bounds.Bounds;
import dev.lowrank4j.bounds.CheckpointLayers;
import dev.lowrank4j.bounds.DataStats;
import dev.lowrank4j.bounds.KoopmanOptions;
import dev.lowrank4j.bounds.MarginStats;
import dev.lowrank4j.bounds.MatrixLayers;
import dev.lowrank4j.bounds.SyntheticNetworks;
import dev.lowrank4j.bounds.SequenceMarginStats;
import dev.lowrank4j.bounds.TokenMarginStats;
import dev.lowrank4j.data.Corpus;
import dev.lowrank4j.data.images.ImageDataset;
import dev.lowrank4j.data.images.ImageSplit;
import dev.lowrank4j.data.images.VisionDatasets;
import dev.lowrank4j.models.vision.ImageClassifier;
import dev.lowrank4j.tasks.classify.SpamClassifierData;
import dev.lowrank4j.tasks.quantize.BertTarget;
import dev.lowrank4j.tasks.quantize.LlamaTarget;
import dev.lowrank4j.tasks.quantize.ModelLoading;
import dev.lowrank4j.tasks.quantize.TextWindows;
import dev.lowrank4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
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
                "  lowrank4j bound --model runs/pretrain-full --data held-out.txt   # next-token margins on the text's windows",
                "  lowrank4j bound --model runs/spam/model --data spam --split test --seed 42   # a fine-tuned BERT classifier",
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
    @Option(names = "--seed", description = "Seed of the synthetic network (default: 42); with --data spam the fine-tune's"
            + " --seed, which chose its split (default: 42).")
    Long seed;
    @Option(names = "--data", description = "Data for margins and input norms: for an image classifier mnist,"
            + " fashion-mnist, or a folder with the four IDX files; for a LLaMA a text file (next-token margins);"
            + " for a fine-tuned BERT classifier spam (SpamAssassin).")
    String data;
    @Option(names = "--max-tokens", description = "With --data spam: word pieces per e-mail, as in the fine-tune (default: 128).")
    Integer maxTokens;
    @Option(names = "--split", description = "With image --data: train or test (default: train).")
    String split;
    @Option(names = "--seq", description = "With text --data: tokens per window (default: min(128, the model's context)).")
    Integer seq;
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
        if (synthetic == null && (width != null || depth != null || (seed != null && data == null))) {
            throw new Lowrank4jException("--width, --depth and --seed do nothing with --model (they shape --synthetic networks;"
                    + " --seed also picks the split of a BERT classifier's --data spam)");
        }
        if (maxTokens != null && data == null) throw new Lowrank4jException("--max-tokens sets the e-mails of a BERT classifier's --data spam");
        if (data == null && (split != null || marginQuantile != null || seq != null)) {
            throw new Lowrank4jException("--split, --seq and --margin-quantile do nothing without --data");
        }
        if (marginQuantile == null) marginQuantile = 0.1;
        PhaseProgress progress = PhaseProgress.beside(json);
        MatrixLayers net;
        DataStats stats = null;
        if (synthetic != null) {
            if (data != null) throw new Lowrank4jException("--data applies to --model image classifiers, not to --synthetic");
            net = SyntheticNetworks.draw(synthetic, width == null ? 64 : width, depth == null ? 4 : depth, seed == null ? 42 : seed);
        } else {
            net = progress.during("loading " + model, () -> CheckpointLayers.load(model));
            if (data != null) stats = dataStats(progress);
        }
        BoundReport report = Bounds.compute(net, stats, koopman, progress);
        if (stats != null && !stats.hasPositiveMargin()) {
            System.err.println("warning: the margin at quantile " + stats.marginQuantile() + " is " + stats.margin()
                    + " (not positive): the margin bounds are not computed; raise --margin-quantile");
        }
        if (out != null) Json.writeAtomically(out, report.toJson());
        System.out.print(json ? Json.compact(report.toJson()) + "\n" : report.format());
        return 0;
    }

    /** Margins and input norms: of an image classifier on an image split, a BERT classifier on spam, a LLaMA on a text. */
    private DataStats dataStats(PhaseProgress progress) {
        double quantile = marginQuantile;
        Optional<ImageClassifier> classifier = CheckpointLayers.imageClassifier(Path.of(model));
        if (classifier.isPresent()) {
            if (seed != null || maxTokens != null) {
                throw new Lowrank4jException("--seed and --max-tokens pick the e-mails of a BERT classifier's --data spam; " + model
                        + " is an image classifier");
            }
            if (seq != null) throw new Lowrank4jException("--seq sets the text windows of a language model; " + model + " is an image classifier");
            String part = split == null ? "train" : split;
            return progress.during("margins on " + data + " (" + part + ")", () -> imageStats(classifier.get(), part, quantile));
        }
        var target = progress.during("loading " + model + " for its forward pass", () -> ModelLoading.load(model)).target();
        if (target instanceof BertTarget bert) return spamStats(bert, quantile, progress);
        if (seed != null || maxTokens != null) {
            throw new Lowrank4jException("--seed and --max-tokens pick the e-mails of a BERT classifier's --data spam; " + model
                    + " is a " + target.modelType() + " model");
        }
        if (split != null) throw new Lowrank4jException("--split picks an image or spam split; for a language model --data is the text itself");
        if (!(target instanceof LlamaTarget llama)) {
            throw new Lowrank4jException("--data needs an image classifier, a LLaMA or a BERT classifier; " + model + " is a "
                    + target.modelType() + " model");
        }
        Path text = Path.of(data);
        TextWindows windows = TextWindows.of(llama, Corpus.read(text), text, seq == null ? 0 : seq, progress);
        return TokenMarginStats.of(llama.model(), windows, text.getFileName().toString(), quantile, progress);
    }

    /** Margins of a fine-tuned BERT classifier on SpamAssassin ("spam": the fetched copy; else a folder in its layout). */
    private DataStats spamStats(BertTarget bert, double quantile, PhaseProgress progress) {
        if (seq != null) throw new Lowrank4jException("--seq sets a language model's windows; use --max-tokens for --data spam");
        Path dir = data.equals("spam") ? null : Path.of(data);
        if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
            throw new Lowrank4jException("--data for a BERT classifier is spam or a SpamAssassin folder; " + data + " is neither");
        }
        String part = split == null ? "train" : split;
        var classifier = SpamClassifierData.classifier(bert.encoder(), bert.head());
        var batches = SpamClassifierData.evalBatches(part, seed == null ? 42 : seed, maxTokens == null ? 128 : maxTokens, dir, progress);
        return SequenceMarginStats.of(classifier, batches, "spam " + part, quantile, progress);
    }

    private DataStats imageStats(ImageClassifier classifier, String part, double quantile) {
        ImageSplit s = VisionDatasets.load(data);
        ImageDataset images = switch (part) {
            case "train" -> s.train();
            case "test" -> s.test();
            default -> throw new Lowrank4jException("--split must be train or test, got '" + part + "'");
        };
        if (images.channels() != classifier.channels() || images.height() != classifier.height() || images.width() != classifier.width()) {
            throw new Lowrank4jException(images + " does not match the model's input " + classifier.channels() + "x"
                    + classifier.height() + "x" + classifier.width());
        }
        return MarginStats.of(classifier, images, part, quantile);
    }
}
