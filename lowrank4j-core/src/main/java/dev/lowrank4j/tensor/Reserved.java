package dev.lowrank4j.tensor;

/**
 * Memory that a method holds or will hold without a tensor object to point at (a projector before
 * its first refresh, counted at its full size as the papers count it).
 */
public record Reserved(long bytes, MemoryCategory category) implements Accounted {}
