package dev.lowrank4j.optim;

/**
 * A weight for memory accounting: its name, rows×cols (a vector is rows×1) and whether the
 * method under study acts on it (GaLore/Fira project it, LoRA adapts it).
 */
public record WeightShape(String name, int rows, int cols, boolean targeted) {
    public long elements() {
        return (long) rows * cols;
    }

    public int smaller() {
        return Math.min(rows, cols);
    }

    public int larger() {
        return Math.max(rows, cols);
    }
}
