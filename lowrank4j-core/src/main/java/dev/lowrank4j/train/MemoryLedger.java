package dev.lowrank4j.train;

import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.MemoryCategory;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytes by category (weights, gradients, optimizer states, activations). Every method reports
 * through this one ledger, so memory tables compare like with like.
 */
public final class MemoryLedger {
    private final EnumMap<MemoryCategory, Long> bytes = new EnumMap<>(MemoryCategory.class);

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

    /** Weights of every parameter, gradients of the trainable ones (shared tensors counted once). */
    public static MemoryLedger of(List<Parameter> params, long optimizerBytes, long activationBytes) {
        MemoryLedger l = new MemoryLedger();
        for (MemoryCategory c : MemoryCategory.values()) l.bytes.put(c, 0L);
        java.util.Set<Parameter> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Parameter p : params) {
            if (!seen.add(p)) continue;
            l.add(MemoryCategory.WEIGHTS, p.value().bytes());
            if (p.grad() != null) l.add(MemoryCategory.GRADIENTS, p.grad().bytes());
        }
        l.add(MemoryCategory.OPTIMIZER_STATES, optimizerBytes);
        l.add(MemoryCategory.ACTIVATIONS, activationBytes);
        return l;
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
        if (b < 1024L * 1024) return String.format("%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format("%.2f MiB", b / (1024.0 * 1024));
        return String.format("%.2f GiB", b / (1024.0 * 1024 * 1024));
    }

    /** A small aligned table for terminals. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (var e : bytes.entrySet()) {
            sb.append(String.format("  %-18s %12s%n", e.getKey().key, human(e.getValue())));
        }
        sb.append(String.format("  %-18s %12s%n", "total", human(total())));
        return sb.toString();
    }
}
