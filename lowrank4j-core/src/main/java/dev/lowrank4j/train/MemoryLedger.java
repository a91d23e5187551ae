package dev.lowrank4j.train;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Accounted;
import dev.lowrank4j.tensor.MemoryCategory;

import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Bytes by {@link MemoryCategory}, summed from the tensors themselves: each tensor says what it is
 * for, so a new kind of storage or optimizer state is counted correctly without this class knowing
 * about it. Every method reports through this one ledger, so memory tables compare like with
 * like. A tensor reached twice (a tied embedding and LM head) is counted once.
 */
public final class MemoryLedger {
    private final EnumMap<MemoryCategory, Long> bytes = new EnumMap<>(MemoryCategory.class);
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    public MemoryLedger() {
        for (MemoryCategory c : MemoryCategory.values()) bytes.put(c, 0L);
    }

    /** The ledger of a training setup: model parameters and buffers, optimizer state, activations. */
    public static MemoryLedger of(Iterable<Parameter> parameters, Iterable<? extends Accounted> buffers,
                                  Iterable<? extends Accounted> optimizerMemory, long activationBytes) {
        return new MemoryLedger().addParameters(parameters).addAll(buffers).addAll(optimizerMemory)
                .add(MemoryCategory.ACTIVATIONS, activationBytes);
    }

    /** Values of every parameter and gradients of the trainable ones. */
    public MemoryLedger addParameters(Iterable<Parameter> parameters) {
        for (Parameter p : parameters) {
            add(p.value());
            if (p.grad() != null) add(p.grad());
        }
        return this;
    }

    public MemoryLedger addAll(Iterable<? extends Accounted> items) {
        for (Accounted a : items) add(a);
        return this;
    }

    /** Books one tensor under its own category (once, however often it is offered). */
    public MemoryLedger add(Accounted a) {
        if (seen.add(a)) bytes.merge(a.category(), a.bytes(), Long::sum);
        return this;
    }

    /** Books bytes that are not held as tensors (activation estimates). */
    public MemoryLedger add(MemoryCategory c, long b) {
        bytes.merge(c, b, Long::sum);
        return this;
    }

    public long get(MemoryCategory c) {
        return bytes.getOrDefault(c, 0L);
    }

    public long total() {
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Category key → bytes, plus "total". */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (var e : bytes.entrySet()) m.put(e.getKey().key, e.getValue());
        m.put("total", total());
        return m;
    }

    public static String human(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024L * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.2f MiB", b / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }

    /** A small aligned table for terminals. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (var e : bytes.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-18s %12s%n", e.getKey().key, human(e.getValue())));
        }
        sb.append(String.format(Locale.ROOT, "  %-18s %12s%n", "total", human(total())));
        return sb.toString();
    }
}
