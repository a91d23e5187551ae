package dev.lowrank4j.optim;

import dev.lowrank4j.Lowrank4jException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** GaLore's {@code proj_type}: which side of the gradient the projector acts on. */
public enum ProjectionType {
    /** Project the longer side away: right (G·Qᵀ) when rows ≥ cols, else left (Pᵀ·G). */
    STD("std"),
    /** The opposite of {@link #STD}. */
    REVERSE_STD("reverse_std"),
    LEFT("left"),
    RIGHT("right"),
    /** Two-sided, Pᵀ·G·Qᵀ. */
    FULL("full");

    public final String key;

    ProjectionType(String key) {
        this.key = key;
    }

    public static ProjectionType parse(String key) {
        for (ProjectionType t : values()) {
            if (t.key.equals(key)) return t;
        }
        throw new Lowrank4jException("unknown GaLore projection type '" + key + "'; valid types: "
                + Arrays.stream(values()).map(t -> t.key).collect(Collectors.joining(", ")));
    }

    /** The side used for a rows×cols matrix (the reference compares rows >= cols). */
    public ProjectionSide sideFor(int rows, int cols) {
        return switch (this) {
            case STD -> rows >= cols ? ProjectionSide.RIGHT : ProjectionSide.LEFT;
            case REVERSE_STD -> rows >= cols ? ProjectionSide.LEFT : ProjectionSide.RIGHT;
            case LEFT -> ProjectionSide.LEFT;
            case RIGHT -> ProjectionSide.RIGHT;
            case FULL -> ProjectionSide.BOTH;
        };
    }
}
