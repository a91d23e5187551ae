package dev.lowrank4j.data.images;

/**
 * A batch of images [size, C, H, W] (row-major, in [0, 1]) with their labels: exactly what
 * {@code ImageClassifier.forward(images, size)} and its loss take. Filled by
 * {@link ImageDataset#batch}, which reuses a batch of the same size instead of allocating.
 */
public final class ImageBatch {
    private final float[] images;
    private final int[] labels;

    ImageBatch(int size, int pixelsPerImage) {
        this.images = new float[size * pixelsPerImage];
        this.labels = new int[size];
    }

    public int size() {
        return labels.length;
    }

    /** Pixels of the batch, image after image; the array is owned by the batch. */
    public float[] images() {
        return images;
    }

    public int[] labels() {
        return labels;
    }
}
