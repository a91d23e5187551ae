package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;

/** A training set and a test set of the same image shape and classes. */
public record ImageSplit(ImageDataset train, ImageDataset test) {
    public ImageSplit {
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()
                || train.numClasses() != test.numClasses()) {
            throw new Lowrank4jException(train + " and " + test + " differ in image shape or classes");
        }
    }
}
