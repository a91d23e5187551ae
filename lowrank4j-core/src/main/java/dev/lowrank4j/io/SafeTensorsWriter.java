package dev.lowrank4j.io;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.lowrank4j.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.lowrank4j.util.AtomicFiles;
import dev.lowrank4j.util.Json;

/**
 * Collects tensors and writes them as one safetensors file, atomically. The layout follows the
 * reference implementation byte for byte where it matters to readers: compact JSON header with
 * {@code __metadata__} first and keys dtype/shape/data_offsets, padded with spaces so the data
 * starts 8-byte aligned, tensors stored back to back in insertion order.
 *
 * <p>Tensors are held by reference until {@link #write(Path)}, so large models are not copied;
 * don't mutate them in between.
 */
public final class SafeTensorsWriter {
    private static final int CHUNK_ELEMS = 1 << 18;

    private sealed interface Item permits FloatItem, LongItem, ByteItem {
        SafeTensorsDtype dtype();

        int[] shape();

        long byteLength();
    }

    private record FloatItem(Tensor t) implements Item {
        public SafeTensorsDtype dtype() {
            return SafeTensorsDtype.F32;
        }

        public int[] shape() {
            return t.shape();
        }

        public long byteLength() {
            return 4L * t.data.length;
        }
    }

    private record LongItem(long[] data, int[] shape) implements Item {
        public SafeTensorsDtype dtype() {
            return SafeTensorsDtype.I64;
        }

        public long byteLength() {
            return 8L * data.length;
        }
    }

    private record ByteItem(byte[] data, int[] shape) implements Item {
        public SafeTensorsDtype dtype() {
            return SafeTensorsDtype.U8;
        }

        public long byteLength() {
            return data.length;
        }
    }

    private final Map<String, Item> items = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafeTensorsWriter() {
        // Transformers refuses to load files whose metadata lacks a known format; "pt" is what PyTorch writers use.
        metadata.put("format", "pt");
    }

    /** Adds a float32 tensor. */
    public SafeTensorsWriter putFloat(String name, Tensor t) {
        checkName(name);
        items.put(name, new FloatItem(t));
        return this;
    }

    /** Adds an int64 tensor with the given row-major shape. */
    public SafeTensorsWriter putLong(String name, long[] data, int... shape) {
        checkName(name);
        long numel = Tensor.numel(shape);
        if (numel != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " needs "
                    + numel + " values, got " + data.length);
        }
        items.put(name, new LongItem(data, shape.clone()));
        return this;
    }

    /** Adds a uint8 tensor (raw bytes, e.g. packed 4-bit codes) with the given row-major shape. */
    public SafeTensorsWriter putBytes(String name, byte[] data, int... shape) {
        checkName(name);
        long numel = Tensor.numel(shape);
        if (numel != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " needs "
                    + numel + " bytes, got " + data.length);
        }
        items.put(name, new ByteItem(data, shape.clone()));
        return this;
    }

    /** Adds a {@code __metadata__} entry; "format" is preset to "pt" and may be overridden. */
    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("tensor name must be non-empty");
        if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException(name + " is reserved by the safetensors format");
        }
        if (items.containsKey(name)) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
    }

    /** Writes the file atomically (see {@link AtomicFiles}); creates missing parent folders. */
    public void write(Path path) {
        byte[] header = header();
        AtomicFiles.write(path, ch -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            AtomicFiles.writeFully(ch, prefix);
            AtomicFiles.writeFully(ch, ByteBuffer.wrap(header));
            for (Item item : items.values()) writeData(ch, item);
        });
    }

    /** The header bytes including the space padding; exposed to tests through the file they write. */
    byte[] header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart(SafeTensorsHeader.METADATA_KEY);
            for (Map.Entry<String, String> m : metadata.entrySet()) g.writeStringField(m.getKey(), m.getValue());
            g.writeEndObject();
            long offset = 0;
            for (Map.Entry<String, Item> e : items.entrySet()) {
                Item item = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", item.dtype().name());
                g.writeArrayFieldStart("shape");
                for (int d : item.shape()) g.writeNumber(d);
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + item.byteLength());
                g.writeEndArray();
                g.writeEndObject();
                offset += item.byteLength();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        // Pad with spaces (valid JSON whitespace) so 8 + header length is a multiple of 8, as the reference does.
        int pad = (8 - out.size() % 8) % 8;
        for (int i = 0; i < pad; i++) out.write(' ');
        return out.toByteArray();
    }

    private static void writeData(FileChannel ch, Item item) throws IOException {
        switch (item) {
            case FloatItem f -> {
                float[] src = f.t().data;
                ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(CHUNK_ELEMS, src.length)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < src.length; i += CHUNK_ELEMS) {
                    int n = Math.min(CHUNK_ELEMS, src.length - i);
                    buf.clear();
                    buf.asFloatBuffer().put(src, i, n);
                    buf.limit(4 * n);
                    AtomicFiles.writeFully(ch, buf);
                }
            }
            case ByteItem u -> {
                byte[] src = u.data();
                for (int i = 0; i < src.length; i += CHUNK_ELEMS) {
                    AtomicFiles.writeFully(ch, ByteBuffer.wrap(src, i, Math.min(CHUNK_ELEMS, src.length - i)));
                }
            }
            case LongItem l -> {
                long[] src = l.data();
                ByteBuffer buf = ByteBuffer.allocate(8 * Math.min(CHUNK_ELEMS, src.length)).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < src.length; i += CHUNK_ELEMS) {
                    int n = Math.min(CHUNK_ELEMS, src.length - i);
                    buf.clear();
                    buf.asLongBuffer().put(src, i, n);
                    buf.limit(8 * n);
                    AtomicFiles.writeFully(ch, buf);
                }
            }
        }
    }
}
