package dev.lowrank4j.data.spam;

import java.util.List;

/** A train/test partition of labelled texts; each list is in a fixed, documented order. */
public record TextSplit(List<LabeledText> train, List<LabeledText> test) {
    public TextSplit {
        train = List.copyOf(train);
        test = List.copyOf(test);
    }

    /** How many examples of {@code label} a list holds (for stratification checks and reports). */
    public static long count(List<LabeledText> examples, int label) {
        return examples.stream().filter(e -> e.label() == label).count();
    }

    /** The first {@code limit} training examples (all when {@code limit <= 0}), test set unchanged. */
    public TextSplit limitTrain(int limit) {
        return limit <= 0 || limit >= train.size() ? this : new TextSplit(train.subList(0, limit), test);
    }
}
