package dev.lowrank4j.data.spam;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.util.Rng;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * A seeded, stratified train/test split: within each label, examples are sorted by key, shuffled
 * with one {@link Rng} stream per split, and the first round(n·testFraction) go to the test set.
 * Sorting first makes the result a function of (examples, fraction, seed) only, never of the order
 * a directory listing or a manifest happened to produce.
 *
 * <p>Both halves are returned shuffled (labels interleaved) with the same stream, so that
 * "the first N training examples" (a quick-run limit) is itself a roughly stratified sample.
 */
public final class StratifiedSplit {
    /** Salts the split stream apart from other uses of the same user seed (init, batch order). */
    private static final long SPLIT_SALT = 0x5EED_5B11_7000_0001L;
    /** Salts the validation carve apart from the train/test split. */
    private static final long VALIDATION_SALT = 0x7A11_DA7E_0000_0001L;

    private StratifiedSplit() {}

    /**
     * The validation split carved from a training split: the same rule with its own stream, so
     * {@code result.test()} is the validation half (stratified, a function of the seed alone).
     */
    public static TextSplit validation(List<LabeledText> train, double valFraction, long seed) {
        return split(train, valFraction, seed ^ VALIDATION_SALT);
    }

    public static TextSplit split(List<LabeledText> examples, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new Lowrank4jException("test fraction must be in (0, 1), got " + testFraction);
        }
        List<LabeledText> sorted = new ArrayList<>(examples);
        sorted.sort(Comparator.comparing(LabeledText::key));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).key().equals(sorted.get(i - 1).key())) {
                throw new Lowrank4jException("duplicate example key '" + sorted.get(i).key() + "'");
            }
        }
        TreeMap<Integer, List<LabeledText>> byLabel = new TreeMap<>();
        for (LabeledText e : sorted) byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e);

        Rng rng = new Rng(seed ^ SPLIT_SALT);
        List<LabeledText> train = new ArrayList<>(), test = new ArrayList<>();
        for (List<LabeledText> group : byLabel.values()) {
            rng.shuffle(group);
            int nTest = (int) Math.round(group.size() * testFraction);
            test.addAll(group.subList(0, nTest));
            train.addAll(group.subList(nTest, group.size()));
        }
        rng.shuffle(train);
        rng.shuffle(test);
        return new TextSplit(train, test);
    }
}
