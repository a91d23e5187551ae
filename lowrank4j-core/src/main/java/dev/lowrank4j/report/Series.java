package dev.lowrank4j.report;

import java.util.List;

/** One named curve of (x, y) points, e.g. validation loss by step for one method. */
public record Series(String name, List<double[]> points) {}
