package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;

/**
 * Labelled images held as floats [N, C, H, W], row-major, with integer labels in [0, classes).
 *
 * <p>Pixels are the stored bytes divided by 255, so they lie in [0, 1]. That is the only
 * preprocessing both DLRT code bases apply to MNIST (ScSteffen/DLRT Lenet_experiment/exp_2_lenet.py
 * and COMPiLELab/DLRT-Net Lenet_experiment/run_lenet_mnist.py: {@code tensor(x).float()/255};
 * CSMMLab/DLRT-Net src/mnist_DLRT.py: {@code normalize_img}, {@code x / 255.}); none of them
 * standardises by a mean and standard deviation, so neither does this class.
 */
public final class ImageDataset {
    private final String name;
    private final float[] images;
    private final int[] labels;
    private final int channels, height, width, numClasses;

    /** Takes ownership of both arrays; {@code name} (e.g. "fashion-mnist train") prefixes error messages. */
    public ImageDataset(String name, float[] images, int[] labels, int channels, int height, int width, int numClasses) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new Lowrank4jException(name + ": image shape " + channels + "x" + height + "x" + width + " is not valid");
        }
        if (labels.length == 0) throw new Lowrank4jException(name + ": holds no images");
        if (numClasses < 2) throw new Lowrank4jException(name + ": needs at least 2 classes, got " + numClasses);
        long pixels = (long) channels * height * width;
        if (images.length != labels.length * pixels) {
            throw new Lowrank4jException(name + ": " + images.length + " pixel values for " + labels.length + " images of "
                    + channels + "x" + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new Lowrank4jException(name + ": label " + labels[i] + " of image " + i + " is outside 0.."
                        + (numClasses - 1));
            }
        }
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
    }

    /** Single-channel images from IDX bytes, scaled by 1/255. */
    public static ImageDataset fromIdx(String name, IdxFile.Images idx, int[] labels, int numClasses) {
        float[] pixels = new float[idx.pixels().length];
        byte[] raw = idx.pixels();
        for (int i = 0; i < raw.length; i++) pixels[i] = (raw[i] & 0xFF) / 255f; // as torch: uint8 → float / 255
        return new ImageDataset(name, pixels, labels, 1, idx.rows(), idx.cols(), numClasses);
    }

    public String name() {
        return name;
    }

    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int numClasses() {
        return numClasses;
    }

    public int pixelsPerImage() {
        return channels * height * width;
    }

    public int label(int i) {
        return labels[i];
    }

    /** All pixels, image after image (the dataset's own array: read, do not modify). */
    public float[] images() {
        return images;
    }

    /** All labels (the dataset's own array: read, do not modify). */
    public int[] labels() {
        return labels;
    }

    /** The images at {@code indices}, in that order; {@code reuse} is refilled when it has the same size, else a new batch is made. */
    public ImageBatch batch(int[] indices, ImageBatch reuse) {
        int pixels = pixelsPerImage();
        ImageBatch out = reuse != null && reuse.size() == indices.length && reuse.images().length == indices.length * pixels
                ? reuse : new ImageBatch(indices.length, pixels);
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images, indices[i] * pixels, out.images(), i * pixels, pixels);
            out.labels()[i] = labels[indices[i]];
        }
        return out;
    }

    /** A new dataset of the images at {@code indices}, in that order (pixels are copied). */
    public ImageDataset subset(String subsetName, int[] indices) {
        ImageBatch picked = batch(indices, null);
        return new ImageDataset(subsetName, picked.images(), picked.labels(), channels, height, width, numClasses);
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images of " + channels + "x" + height + "x" + width + ", " + numClasses + " classes)";
    }
}
