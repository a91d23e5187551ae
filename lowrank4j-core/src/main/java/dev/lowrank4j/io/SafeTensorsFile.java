package dev.lowrank4j.io;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import dev.lowrank4j.util.Json;

/**
 * An open safetensors file: the validated header is held in memory, tensor bytes are read on
 * demand with positional reads (so several threads may read different tensors at once, and no
 * mapping outlives {@link #close()}). Open with {@link SafeTensors#open(Path)}.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Same ceiling as the reference implementation; real headers are kilobytes to a few megabytes. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Bytes read per positional read; a multiple of every element size. */
    private static final int CHUNK_BYTES = 1 << 20;

    private final Path path;
    private final String label;
    private final FileChannel channel;
    private final long dataStart;
    private final SafeTensorsHeader header;
    private volatile boolean closed;

    private SafeTensorsFile(Path path, FileChannel channel, long dataStart, SafeTensorsHeader header) {
        this.path = path;
        this.label = labelOf(path);
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
    }

    static SafeTensorsFile open(Path path) {
        String label = labelOf(path);
        if (Files.isDirectory(path)) {
            throw new Lowrank4jException(path + " is a directory, not a safetensors file");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new Lowrank4jException(path + ": file not found");
        } catch (AccessDeniedException e) {
            throw new Lowrank4jException(path + ": permission denied");
        } catch (IOException e) {
            throw new Lowrank4jException(path + ": cannot open: " + Json.oneLine(e.getMessage()), e);
        }
        try {
            long size = ch.size();
            long headerLen = readPrelude(label, ch, size);
            byte[] json = new byte[(int) headerLen];
            readFully(label, ch, ByteBuffer.wrap(json), 8);
            SafeTensorsHeader header = SafeTensorsHeader.parse(label, json, size - 8 - headerLen);
            return new SafeTensorsFile(path, ch, 8 + headerLen, header);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new Lowrank4jException(label + ": read failed: " + Json.oneLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** Checks the 8-byte length prefix against the file size and returns the header length. */
    private static long readPrelude(String label, FileChannel ch, long size) throws IOException {
        if (size == 0) {
            throw new Lowrank4jException(label + ": file is empty (0 bytes); not a safetensors file");
        }
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 64));
        readFully(label, ch, head, 0);
        explainForeignFormat(label, head.array());
        if (size < 8) {
            throw new Lowrank4jException(label + ": file is only " + size
                    + " bytes; a safetensors file starts with an 8-byte header length");
        }
        long headerLen = head.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        // Unsigned u64 on disk: a "negative" long is a length above 2^63, absurd either way.
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new Lowrank4jException(label + ": header length " + Long.toUnsignedString(headerLen)
                    + " is implausible (limit " + MAX_HEADER_BYTES + "); not a safetensors file?");
        }
        if (headerLen > size - 8) {
            throw new Lowrank4jException(label + ": header claims " + headerLen + " bytes but only " + (size - 8)
                    + " bytes follow the length prefix (file truncated or not safetensors)");
        }
        return headerLen;
    }

    /** Common mix-ups get a specific hint instead of a confusing "implausible header length". */
    private static void explainForeignFormat(String label, byte[] start) {
        String ascii = new String(start, StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("version https://git-lfs")) {
            throw new Lowrank4jException(label + ": is a Git LFS pointer, not the weights themselves (run 'git lfs pull')");
        }
        if (ascii.startsWith("PK\u0003\u0004")) {
            throw new Lowrank4jException(label + ": is a zip archive (a PyTorch .bin checkpoint?), not safetensors");
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public Set<String> names() {
        return header.entries().keySet();
    }

    /** All entries in header order. */
    public Collection<SafeTensorsEntry> entries() {
        return header.entries().values();
    }

    public boolean contains(String name) {
        return header.entries().containsKey(name);
    }

    public SafeTensorsEntry entry(String name) {
        SafeTensorsEntry e = header.entries().get(name);
        if (e == null) {
            throw new Lowrank4jException(label + ": no tensor named '" + name + "'; "
                    + NameSuggestions.describe(name, names()));
        }
        return e;
    }

    /** The free-form {@code __metadata__} map (empty if the file has none). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Reads a floating-point tensor (F32, F16, BF16 or F64) as float32. */
    public Tensor readFloat(String name) {
        SafeTensorsEntry e = entry(name);
        if (!ElementDecoder.decodesToFloat(e.dtype())) {
            throw new Lowrank4jException(label + ": tensor '" + name + "' has dtype " + e.dtype()
                    + "; readFloat reads F32, F16, BF16 and F64"
                    + (ElementDecoder.decodesToLong(e.dtype()) ? " (use readLong for integers)" : ""));
        }
        float[] out = new float[arrayLength(e)];
        readChunks(e, (buf, first, count) -> ElementDecoder.toFloat(e.dtype(), buf, count, out, first));
        return new Tensor(out, e.shape());
    }

    /** Reads an integer or boolean tensor (I64, I32, I16, I8, U8, U16, U32, U64, BOOL) as longs, row-major. */
    public long[] readLong(String name) {
        SafeTensorsEntry e = entry(name);
        if (!ElementDecoder.decodesToLong(e.dtype())) {
            throw new Lowrank4jException(label + ": tensor '" + name + "' has dtype " + e.dtype()
                    + "; readLong reads I64, I32, I16, I8, U8, U16, U32, U64 and BOOL"
                    + (ElementDecoder.decodesToFloat(e.dtype()) ? " (use readFloat for floating point)" : ""));
        }
        long[] out = new long[arrayLength(e)];
        readChunks(e, (buf, first, count) -> {
            int bad = ElementDecoder.toLong(e.dtype(), buf, count, out, first);
            if (bad >= 0) {
                throw new Lowrank4jException(label + ": tensor '" + name + "' element " + (first + bad) + " = "
                        + Long.toUnsignedString(out[first + bad]) + " does not fit a signed 64-bit integer");
            }
        });
        return out;
    }

    /**
     * The tensor's bytes exactly as stored (little-endian elements, row-major), whatever its
     * dtype: packed data such as bitsandbytes' 4-bit weights, which may be stored as U8 or as any
     * other dtype holding the same bytes.
     */
    public byte[] readBytes(String name) {
        SafeTensorsEntry e = entry(name);
        if (e.dtype().bits() % 8 != 0) {
            throw new Lowrank4jException(label + ": tensor '" + name + "' has dtype " + e.dtype()
                    + "; readBytes reads dtypes of whole bytes");
        }
        if (e.byteLength() > Integer.MAX_VALUE - 8) {
            throw new Lowrank4jException(label + ": tensor '" + name + "' has " + e.byteLength()
                    + " bytes, more than one Java array can hold");
        }
        byte[] out = new byte[(int) e.byteLength()];
        readChunks(e, (buf, first, count) -> buf.get(out, first * (e.dtype().bits() / 8), buf.remaining()));
        return out;
    }

    private int arrayLength(SafeTensorsEntry e) {
        long n = e.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new Lowrank4jException(label + ": tensor '" + e.name() + "' has " + n
                    + " elements, more than one Java array can hold");
        }
        return (int) n;
    }

    private interface ChunkSink {
        /** {@code buf} holds {@code count} whole elements starting at position 0; {@code first} is the first element index. */
        void accept(ByteBuffer buf, int first, int count);
    }

    private void readChunks(SafeTensorsEntry e, ChunkSink sink) {
        if (closed) throw new IllegalStateException(label + " is closed");
        int elemBytes = e.dtype().bits() / 8;
        long total = e.byteLength();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, total));
        long done = 0;
        try {
            while (done < total) {
                int len = (int) Math.min(CHUNK_BYTES, total - done);
                buf.clear().limit(len);
                readFully(label, channel, buf, dataStart + e.begin() + done);
                buf.flip();
                sink.accept(buf, (int) (done / elemBytes), len / elemBytes);
                done += len;
            }
        } catch (IOException ex) {
            throw new Lowrank4jException(label + ": reading tensor '" + e.name() + "' failed: "
                    + Json.oneLine(ex.getMessage()), ex);
        }
    }

    /** Positional read until {@code buf} is full; a short file here means it changed after validation. */
    private static void readFully(String label, FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new Lowrank4jException(label + ": unexpected end of file at byte " + pos
                        + " (was the file truncated while open?)");
            }
            pos += n;
        }
    }

    private static String labelOf(Path path) {
        Path name = path.getFileName();
        return name == null ? path.toString() : name.toString();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Already failing with a more useful error.
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + path + ", " + header.entries().size() + " tensors]";
    }
}
