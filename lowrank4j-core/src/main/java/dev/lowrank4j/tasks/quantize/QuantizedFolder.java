package dev.lowrank4j.tasks.quantize;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.io.HfCheckpoint;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsDtype;
import dev.lowrank4j.io.SafeTensorsEntry;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.nn.Linear;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.quant.PackedWeights;
import dev.lowrank4j.quant.act.ActivationMode;
import dev.lowrank4j.quant.act.ActivationQuantizedLinear;
import dev.lowrank4j.quant.act.ActivationSchemes;
import dev.lowrank4j.quant.intq.CodeStream;
import dev.lowrank4j.quant.intq.IntOptions;
import dev.lowrank4j.quant.intq.IntTensor;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.AtomicFiles;
import dev.lowrank4j.util.CrashPoints;
import dev.lowrank4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A quantized model folder (docs/QUANTIZE.md): {@code config.json} (the model's own Hugging Face
 * config), {@code model.safetensors} (float tensors plus the packed codes, scales and zero points
 * named in {@link QuantizedTensors}), {@code quantization_config.json} ({@link QuantizationConfig})
 * and the tokenizer.json when the model has one.
 *
 * <p>The folder is assembled under a hidden sibling name and renamed into place as the very last
 * step, so an interrupted run never leaves a complete-looking folder, only a hidden
 * {@code .NAME.partial-*} one.
 */
public final class QuantizedFolder {
    private QuantizedFolder() {}

    public static boolean isQuantized(Path dir) {
        return Files.isRegularFile(dir.resolve(QuantizationConfig.FILE));
    }

    /** Refuses an existing target before any work is done. */
    public static void checkTarget(Path out) {
        if (Files.exists(out)) throw new Lowrank4jException(out + " already exists; choose another --out (nothing is overwritten)");
    }

    public static void write(Path out, PtqTarget target, QuantizationConfig config, Path tokenizerJson) {
        checkTarget(out);
        Path abs = out.toAbsolutePath();
        String partial = "." + abs.getFileName() + ".partial-";
        Path tmp = abs.resolveSibling(partial + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            removeKilledWrites(abs.getParent(), partial);
            Files.createDirectories(tmp);
            SafeTensorsWriter w = new SafeTensorsWriter();
            target.floatTensors().forEach(w::putFloat);
            ModuleHost host = target.host();
            for (String m : config.modules()) {
                LinearLayer layer = host.linears().get(m);
                IntTensor t = packed(m, layer);
                if (t.options().bits() != config.storageBits()) {
                    throw new IllegalStateException(m + " holds " + t.options().bits() + "-bit codes, the config says " + config.storageBits());
                }
                putCodes(w, m, t);
                if (config.scheme().activation() == ActivationMode.PER_TENSOR_STATIC) {
                    ActivationQuantizedLinear a = (ActivationQuantizedLinear) layer;
                    w.putFloat(m + QuantizedTensors.INPUT_SCALE, new Tensor(new float[] {a.staticScale()}, 1));
                    w.putBytes(m + QuantizedTensors.INPUT_ZERO, new byte[] {(byte) a.staticZero()}, 1);
                }
            }
            w.metadata("quantization", config.scheme().name());
            w.write(tmp.resolve(HfCheckpoint.WEIGHTS_FILE));
            CrashPoints.pause(); // crash tests: a kill here leaves weights without configs
            AtomicFiles.writeString(tmp.resolve(HfCheckpoint.CONFIG_FILE), target.configJson());
            if (tokenizerJson != null) Files.copy(tokenizerJson, tmp.resolve(tokenizerJson.getFileName()));
            Json.writeAtomically(tmp.resolve(QuantizationConfig.FILE), config.toJson());
            CrashPoints.pause(); // crash tests: a kill here leaves a complete folder under its hidden name
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new Lowrank4jException(out + ": cannot write the quantized model (" + e.getMessage() + ")");
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * A kill -9 skips the cleanup in {@link #write}'s finally block and leaves the hidden folder,
     * possibly as large as the model; the next write of the same output removes it (the crash tests
     * found these piling up).
     */
    private static void removeKilledWrites(Path parent, String partialPrefix) throws IOException {
        if (!Files.isDirectory(parent)) return;
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(partialPrefix)).toList()) deleteTree(p);
        }
    }

    /** The packed integer tensor under a quantized linear (through an activation wrapper). */
    static IntTensor packed(String m, LinearLayer layer) {
        if (layer instanceof ActivationQuantizedLinear a) layer = a.inner();
        if (layer instanceof Linear l && l.storage() instanceof PackedWeights p && p.tensor() instanceof IntTensor t) return t;
        throw new IllegalStateException(m + " is not a packed integer linear: " + layer);
    }

    private static void putCodes(SafeTensorsWriter w, String m, IntTensor t) {
        int rows = t.rows();
        byte[] codes = t.packedCodes(); // already the file's layout: one CodeStream, row-major
        float[] scales = new float[rows];
        byte[] zeros = new byte[rows];
        for (int r = 0; r < rows; r++) {
            scales[r] = t.scale(r, 0);
            zeros[r] = (byte) t.zero(r, 0);
        }
        w.putBytes(m + QuantizedTensors.CODES, codes, codes.length);
        w.putFloat(m + QuantizedTensors.SCALE, new Tensor(scales, rows));
        w.putBytes(m + QuantizedTensors.ZERO, zeros, rows);
    }

    /** What {@link #read} gives: the quantized tensors and the float ones, by name. */
    public record Contents(QuantizationConfig config, Map<String, IntTensor> packed, Map<String, float[]> inputGrids,
                           Map<String, Tensor> floats) {}

    /**
     * Reads a quantized folder and checks that its tensors are what its quantization config says,
     * for the linear shapes {@code shapes} ([out, in] by module path); any disagreement is a one-line error.
     */
    public static Contents read(Path dir, Map<String, int[]> shapes) {
        Path cfgFile = dir.resolve(QuantizationConfig.FILE);
        QuantizationConfig cfg = QuantizationConfig.fromJson(Json.readObjectFile(cfgFile), cfgFile.toString());
        String where = dir + ": " + QuantizationConfig.FILE + " does not match " + HfCheckpoint.WEIGHTS_FILE;
        int bits = cfg.scheme().weightBits(), storage = cfg.storageBits();
        Map<String, IntTensor> packed = new LinkedHashMap<>();
        Map<String, float[]> grids = new LinkedHashMap<>();
        Map<String, Tensor> floats = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        try (SafeTensorsFile f = SafeTensors.open(dir.resolve(HfCheckpoint.WEIGHTS_FILE))) {
            for (String m : cfg.modules()) {
                int[] shape = shapes.get(m);
                if (shape == null) throw new Lowrank4jException(where + ": the model has no quantizable linear '" + m + "'");
                int out = shape[0], in = shape[1];
                long n = (long) out * in, expected = CodeStream.bytesFor(n, storage);
                byte[] codes = bytes(f, m + QuantizedTensors.CODES, expected, where, used);
                byte[] zeros = bytes(f, m + QuantizedTensors.ZERO, out, where, used);
                float[] scales = floats(f, m + QuantizedTensors.SCALE, out, where, used);
                int top = (1 << bits) - 1;
                for (int r = 0; r < out; r++) {
                    if ((zeros[r] & 0xFF) > top) throw new Lowrank4jException(where + ": " + m + " zero point " + (zeros[r] & 0xFF) + " does not fit " + bits + " bits");
                    if (!(scales[r] > 0) || Float.isInfinite(scales[r])) throw new Lowrank4jException(where + ": " + m + " scale " + scales[r] + " in row " + r);
                }
                IntTensor t = new IntTensor(new int[] {out, in}, new IntOptions(storage, IntOptions.WHOLE_ROW, false), codes, scales, zeros);
                for (int i = 0; i < n; i++) {
                    if (t.code(i) > top) throw new Lowrank4jException(where + ": " + m + " holds code " + t.code(i) + ", above the " + bits + "-bit maximum " + top);
                }
                packed.put(m, t);
                if (cfg.scheme().activation() == ActivationMode.PER_TENSOR_STATIC) {
                    float s = floats(f, m + QuantizedTensors.INPUT_SCALE, 1, where, used)[0];
                    int z = bytes(f, m + QuantizedTensors.INPUT_ZERO, 1, where, used)[0] & 0xFF;
                    grids.put(m, new float[] {s, z});
                }
            }
            for (SafeTensorsEntry e : f.entries()) {
                if (used.contains(e.name())) continue;
                if (e.dtype() != SafeTensorsDtype.F32 || QuantizedTensors.isQuantizationTensor(e.name())) {
                    throw new Lowrank4jException(where + ": tensor '" + e.name() + "' (" + e.dtype() + ") belongs to no listed module");
                }
                floats.put(e.name(), f.readFloat(e.name()));
            }
        }
        return new Contents(cfg, packed, grids, floats);
    }

    /** Puts the packed linears into {@code host} (biases kept) and wraps them for the scheme's activations. */
    public static void install(ModuleHost host, Contents c) {
        for (Map.Entry<String, IntTensor> e : c.packed().entrySet()) {
            Linear old = (Linear) host.linears().get(e.getKey());
            host.replaceLinear(e.getKey(), new Linear(e.getKey(), new PackedWeights(e.getValue()), old.bias()));
        }
        var wrappers = ActivationSchemes.apply(host, c.config().modules(), c.config().scheme());
        c.inputGrids().forEach((m, g) -> wrappers.get(m).setStatic(g[0], (int) g[1]));
    }

    private static byte[] bytes(SafeTensorsFile f, String name, long expected, String where, Set<String> used) {
        SafeTensorsEntry e = entry(f, name, SafeTensorsDtype.U8, expected, where);
        used.add(name);
        return f.readBytes(e.name());
    }

    private static float[] floats(SafeTensorsFile f, String name, long expected, String where, Set<String> used) {
        entry(f, name, SafeTensorsDtype.F32, expected, where);
        used.add(name);
        return f.readFloat(name).data;
    }

    private static SafeTensorsEntry entry(SafeTensorsFile f, String name, SafeTensorsDtype dtype, long expected, String where) {
        if (!f.contains(name)) throw new Lowrank4jException(where + ": tensor '" + name + "' is missing");
        SafeTensorsEntry e = f.entry(name);
        if (e.dtype() != dtype || e.numel() != expected) {
            throw new Lowrank4jException(where + ": '" + name + "' is " + e.dtype() + " with " + e.numel()
                    + " values, expected " + dtype + " with " + expected);
        }
        return e;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a hidden leftover, never mistaken for the model
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
