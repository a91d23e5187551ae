package dev.lowrank4j.adapters.peft;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.nn.ModuleHost;
import dev.lowrank4j.adapters.Targets;
import dev.lowrank4j.adapters.lora.LoraAdapters;
import dev.lowrank4j.adapters.lora.LoraInjector;
import dev.lowrank4j.adapters.lora.LoraLinear;
import dev.lowrank4j.io.SafeTensors;
import dev.lowrank4j.io.SafeTensorsFile;
import dev.lowrank4j.io.SafeTensorsWriter;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A LoRA adapter in Hugging Face PEFT's folder layout: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with tensors {@code base_model.model.<module>.lora_A.weight}
 * [r, in] and {@code base_model.model.<module>.lora_B.weight} [out, r].
 *
 * <p>{@link #read} checks the folder on its own (config, key names, ranks); {@link #applyTo} then
 * checks it against a model (targets present, every key used, shapes) and only then changes the
 * model. Every problem is a one-line {@link Lowrank4jException} that lists what is wrong.
 *
 * <p>With {@code init_lora_weights = "pissa"} the base weights are turned into PiSSA residuals
 * before the trained factors are loaded, which is what PEFT does when it loads such an adapter;
 * the base model must therefore be the original one.
 */
public final class PeftAdapter {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    public static final String KEY_PREFIX = "base_model.model.";
    public static final String A_SUFFIX = ".lora_A.weight";
    public static final String B_SUFFIX = ".lora_B.weight";
    /** How many names one error message lists before summarising. */
    private static final int MAX_NAMES_SHOWN = 8;

    private final PeftConfig config;
    private final Path source;
    /** File key → tensor, in file order. */
    private final Map<String, Tensor> tensors;

    private PeftAdapter(PeftConfig config, Path source, Map<String, Tensor> tensors) {
        this.config = config;
        this.source = source;
        this.tensors = tensors;
    }

    public PeftConfig config() {
        return config;
    }

    /** The file's tensors by key (live objects; do not modify). */
    public Map<String, Tensor> tensors() {
        return java.util.Collections.unmodifiableMap(tensors);
    }

    /**
     * The whole modules the adapter carries ({@code modules_to_save}, e.g. a classifier head) by
     * parameter name without PEFT's prefix ({@code classifier.weight}).
     */
    public Map<String, Tensor> savedModules() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (isSavedModuleKey(k)) out.put(k.substring(KEY_PREFIX.length()), v);
        });
        return out;
    }

    private boolean isSavedModuleKey(String key) {
        for (String m : config.modulesToSave()) if (key.startsWith(KEY_PREFIX + m + ".")) return true;
        return false;
    }

    /** Reads an adapter folder and checks it on its own terms (ranks of every factor). */
    public static PeftAdapter read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new Lowrank4jException("adapter folder not found: " + dir + " (expected " + CONFIG_FILE + " and " + WEIGHTS_FILE + ")");
        }
        PeftConfig cfg = PeftConfigJson.read(dir.resolve(CONFIG_FILE));
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            String hint = Files.exists(dir.resolve("adapter_model.bin")) ? " (found adapter_model.bin: convert it to safetensors)" : "";
            throw new Lowrank4jException(dir + " has no " + WEIGHTS_FILE + hint);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensors.open(weights)) {
            for (String name : f.names()) tensors.put(name, f.readFloat(name));
        }
        List<String> badRank = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            boolean isA = e.getKey().endsWith(A_SUFFIX), isB = e.getKey().endsWith(B_SUFFIX);
            if ((isA || isB) && (t.rank() != 2 || t.dim(isA ? 0 : 1) != cfg.r())) {
                badRank.add(e.getKey() + " " + Arrays.toString(t.shape()));
            }
        }
        if (!badRank.isEmpty()) {
            throw new Lowrank4jException(weights + ": factors do not have rank r = " + cfg.r() + " from " + CONFIG_FILE
                    + " (lora_A must be [r, in], lora_B [out, r]): " + list(badRank));
        }
        return new PeftAdapter(cfg, dir, tensors);
    }

    /** Reads {@code dir} and applies it to {@code model}: the usual one-call load. */
    public static LoraAdapters load(Path dir, ModuleHost model) {
        return read(dir).applyTo(model, 0L);
    }

    /**
     * Checks the adapter against the model, then wraps the target layers and copies the factors in.
     * Nothing in the model changes unless every check passes.
     *
     * @param seed seeds dropout masks if the adapter is trained further
     */
    public LoraAdapters applyTo(ModuleHost host, long seed) {
        Map<String, LinearLayer> linears = host.linears();
        String where = source.toString();
        List<String> paths;
        try {
            paths = Targets.select(config.targets(), linears.keySet());
        } catch (Lowrank4jException e) {
            throw new Lowrank4jException(where + ": the adapter does not fit this model: " + e.getMessage());
        }
        List<String> expected = new ArrayList<>();
        for (String p : paths) {
            expected.add(KEY_PREFIX + p + A_SUFFIX);
            expected.add(KEY_PREFIX + p + B_SUFFIX);
        }
        List<String> missing = expected.stream().filter(k -> !tensors.containsKey(k)).toList();
        Set<String> expectedSet = new HashSet<>(expected);
        List<String> unexpected = tensors.keySet().stream().filter(k -> !expectedSet.contains(k) && !isSavedModuleKey(k)).toList();
        List<String> shapes = new ArrayList<>();
        for (String p : paths) {
            LinearLayer l = linears.get(p);
            checkShape(shapes, KEY_PREFIX + p + A_SUFFIX, config.r(), l.inFeatures());
            checkShape(shapes, KEY_PREFIX + p + B_SUFFIX, l.outFeatures(), config.r());
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !shapes.isEmpty()) {
            StringBuilder msg = new StringBuilder(where).append(": the adapter does not fit this model:");
            if (!missing.isEmpty()) msg.append(" missing keys (").append(missing.size()).append("): ").append(list(missing)).append(';');
            if (!unexpected.isEmpty()) msg.append(" unexpected keys (").append(unexpected.size()).append("): ").append(list(unexpected)).append(';');
            if (!shapes.isEmpty()) msg.append(" shape mismatches: ").append(list(shapes)).append(';');
            throw new Lowrank4jException(msg.toString());
        }
        LoraAdapters adapters = LoraInjector.inject(host, config.toLoraConfig(seed));
        for (LoraLinear l : adapters.layers()) {
            l.loraA().set(tensors.get(KEY_PREFIX + l.modulePath() + A_SUFFIX));
            l.loraB().set(tensors.get(KEY_PREFIX + l.modulePath() + B_SUFFIX));
        }
        return adapters;
    }

    private void checkShape(List<String> problems, String key, int rows, int cols) {
        Tensor t = tensors.get(key);
        if (t != null && !t.sameShape(rows, cols)) {
            problems.add(key + " is " + Arrays.toString(t.shape()) + ", the model needs [" + rows + ", " + cols + "]");
        }
    }

    /**
     * Writes {@code adapters} as a PEFT folder (creating it if needed). Both files are written
     * atomically; the factors are stored as float32 exactly as held, so reading them back is
     * bit-identical.
     */
    public static void save(Path dir, LoraAdapters adapters, String baseModelNameOrPath) {
        save(dir, PeftConfig.of(adapters.config(), baseModelNameOrPath), adapters, Map.of());
    }

    /**
     * As {@link #save(Path, LoraAdapters, String)} with an explicit config and the whole modules it
     * names in {@code modules_to_save} ({@code modules}: parameter name → tensor, e.g. {@code classifier.weight}).
     */
    public static void save(Path dir, PeftConfig config, LoraAdapters adapters, Map<String, Tensor> modules) {
        Map<String, Tensor[]> factors = new LinkedHashMap<>();
        for (LoraLinear l : adapters.layers()) {
            if (l.rank() != config.r()) {
                throw new IllegalArgumentException(l.modulePath() + " has rank " + l.rank() + ", the config says " + config.r());
            }
            factors.put(l.modulePath(), new Tensor[] {l.loraA().value(), l.loraB().value()});
        }
        write(dir, config, factors, modules);
    }

    /** Writes factors {A [r, in], B [out, r]} by module path, plus whole modules, as a PEFT folder. */
    public static void write(Path dir, PeftConfig config, Map<String, Tensor[]> factors, Map<String, Tensor> modules) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        factors.forEach((path, ab) -> {
            w.putFloat(KEY_PREFIX + path + A_SUFFIX, ab[0]);
            w.putFloat(KEY_PREFIX + path + B_SUFFIX, ab[1]);
        });
        modules.forEach((name, t) -> {
            if (config.modulesToSave().stream().noneMatch(m -> name.startsWith(m + "."))) {
                throw new IllegalArgumentException(name + " is not in modules_to_save " + config.modulesToSave());
            }
            w.putFloat(KEY_PREFIX + name, t);
        });
        w.write(dir.resolve(WEIGHTS_FILE));
        PeftConfigJson.write(dir.resolve(CONFIG_FILE), config);
    }

    private static String list(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(names.size(), MAX_NAMES_SHOWN)));
        return names.size() > MAX_NAMES_SHOWN ? shown + ", ... (" + (names.size() - MAX_NAMES_SHOWN) + " more)" : shown;
    }
}
