package dev.lowrank4j.data.images;

import dev.lowrank4j.Lowrank4jException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX files that MNIST, Fashion-MNIST and their kin ship in: a big-endian header
 * (magic number, then one 32-bit size per dimension) followed by the unsigned bytes. Only the two
 * kinds those data sets use are accepted: {@value #IMAGES_MAGIC_HEX} (unsigned bytes, 3 dimensions:
 * count, rows, columns) and {@value #LABELS_MAGIC_HEX} (unsigned bytes, 1 dimension: count). A file
 * may be gzip-compressed; that is recognised by its first two bytes, not by its name.
 *
 * <p>Every problem is a one-line {@link Lowrank4jException} naming the file: a wrong magic number,
 * a header larger than {@link #MAX_PIXELS}, data shorter than the header promises, or bytes after
 * it. The header's sizes are checked against the caps before anything is allocated, and the data
 * is read in chunks, so a lying header cannot make the reader allocate more than the file holds.
 */
public final class IdxFile {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    static final String IMAGES_MAGIC_HEX = "0x00000803";
    static final String LABELS_MAGIC_HEX = "0x00000801";
    /** 2²⁸ pixels (1 GiB once stored as floats): far above MNIST's 47M, far below what would exhaust a heap. */
    public static final long MAX_PIXELS = 1L << 28;
    /** Rows and columns above this are not the small images these loaders are for. */
    public static final int MAX_SIDE = 4096;

    private IdxFile() {}

    /** The images of an IDX image file: {@code count} images of rows×cols bytes, row-major. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    /** Reads an image file ({@value #IMAGES_MAGIC_HEX}). */
    public static Images readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file);
            if (magic != IMAGES_MAGIC) throw wrongMagic(file, magic, IMAGES_MAGIC_HEX, "image");
            int count = readSize(in, file, "image count"), rows = readSize(in, file, "rows"), cols = readSize(in, file, "columns");
            if (rows > MAX_SIDE || cols > MAX_SIDE || (long) count * rows * cols > MAX_PIXELS) {
                throw new Lowrank4jException(file + ": header claims " + count + " images of " + rows + "x" + cols
                        + ", more than this reader accepts (" + MAX_PIXELS + " pixels, sides up to " + MAX_SIDE + ")");
            }
            byte[] pixels = readExactly(in, file, count * rows * cols, count + " images of " + rows + "x" + cols);
            return new Images(count, rows, cols, pixels);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Reads a label file ({@value #LABELS_MAGIC_HEX}); labels are 0..255. */
    public static int[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file);
            if (magic != LABELS_MAGIC) throw wrongMagic(file, magic, LABELS_MAGIC_HEX, "label");
            int count = readSize(in, file, "label count");
            if (count > MAX_PIXELS) {
                throw new Lowrank4jException(file + ": header claims " + count + " labels, more than this reader accepts ("
                        + MAX_PIXELS + ")");
            }
            byte[] raw = readExactly(in, file, count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = raw[i] & 0xFF;
            return labels;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new Lowrank4jException(file + ": no such file");
        }
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16) : buffered);
    }

    private static int readHeaderInt(DataInputStream in, Path file) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new Lowrank4jException(file + ": truncated: the file ends inside the IDX header");
        }
    }

    private static int readSize(DataInputStream in, Path file, String what) throws IOException {
        int v = readHeaderInt(in, file);
        if (v < 0) throw new Lowrank4jException(file + ": header " + what + " " + Integer.toUnsignedString(v) + " is not a valid size");
        return v;
    }

    /** Exactly n bytes and then the end of the data; InputStream.readNBytes grows its buffer as bytes arrive. */
    private static byte[] readExactly(DataInputStream in, Path file, int n, String promised) throws IOException {
        byte[] data;
        boolean trailing;
        try {
            data = in.readNBytes(n);
            trailing = data.length == n && in.read() != -1;
        } catch (EOFException e) { // a gzip stream cut short, in the data or in its trailer
            throw new Lowrank4jException(file + ": truncated: the compressed stream ends early (" + promised
                    + " promised by the header)");
        }
        if (data.length < n) {
            throw new Lowrank4jException(file + ": truncated: header promises " + promised + " (" + n
                    + " bytes) but the data ends after " + data.length);
        }
        if (trailing) throw new Lowrank4jException(file + ": unexpected bytes after the " + promised + " its header declares");
        return data;
    }

    private static Lowrank4jException wrongMagic(Path file, int magic, String expectedHex, String kind) {
        String found = String.format("0x%08X", magic);
        String hint = magic == IMAGES_MAGIC ? " (an IDX image file)" : magic == LABELS_MAGIC ? " (an IDX label file)" : "";
        return new Lowrank4jException(file + ": not an IDX " + kind + " file: magic number " + found + hint
                + ", expected " + expectedHex);
    }

    private static Lowrank4jException unreadable(Path file, IOException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
        return new Lowrank4jException(file + ": cannot read it as IDX (" + msg + ")", e);
    }
}
