package dev.lowrank4j.tasks.vision;

import dev.lowrank4j.data.images.ImageBatch;

/** A batch of images and which split it comes from ("train" or "test"), so one evaluation can report both. */
public record SplitBatch(String split, ImageBatch batch) {
    public static final String TRAIN = "train", TEST = "test";
}
