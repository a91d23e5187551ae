package dev.lowrank4j.linalg;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: times every TopSvd path on Gaussian matrices of GaLore's shapes (default: the 20m
 * bench model's 256×256, 256×688, 688×256 at rank 64, and 512×1376, 1376×512 at rank 128).
 * Prints the best wall time and the best CPU time of the calling thread; run with
 * OPENBLAS_NUM_THREADS=1 so the native path's work is on that thread and its CPU time is
 * comparable, and on a quiet machine for wall times worth quoting. Run:
 * OPENBLAS_NUM_THREADS=1 java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -cp <test+main classpath> dev.lowrank4j.linalg.TopSvdTiming [rows cols rank]...
 */
public final class TopSvdTiming {
    private static final int WARMUP = 2, MEASURED = 5;

    public static void main(String[] args) {
        List<int[]> shapes = new ArrayList<>();
        for (int i = 0; i + 2 < args.length; i += 3) {
            shapes.add(new int[] {Integer.parseInt(args[i]), Integer.parseInt(args[i + 1]), Integer.parseInt(args[i + 2])});
        }
        if (shapes.isEmpty()) {
            shapes = List.of(new int[] {256, 256, 64}, new int[] {256, 688, 64}, new int[] {688, 256, 64},
                    new int[] {512, 1376, 128}, new int[] {1376, 512, 128});
        }
        List<TopSvd> paths = new ArrayList<>();
        TopSvd.exactNative().ifPresent(paths::add);
        paths.add(TopSvd.exactJava());
        paths.add(TopSvd.randomized());
        paths.add(new FullSvdReference());
        var bean = ManagementFactory.getThreadMXBean();
        for (int[] s : shapes) {
            float[] a = TestMatrices.gaussian(s[0], s[1], 1);
            for (TopSvd svd : paths) {
                double wall = Double.MAX_VALUE, cpu = Double.MAX_VALUE;
                for (int i = 0; i < WARMUP + MEASURED; i++) {
                    long c0 = bean.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                    svd.top(a, s[0], s[1], s[2], i, "A");
                    if (i < WARMUP) continue;
                    wall = Math.min(wall, (System.nanoTime() - t0) / 1e6);
                    cpu = Math.min(cpu, (bean.getCurrentThreadCpuTime() - c0) / 1e6);
                }
                System.out.printf(Locale.ROOT, "%4dx%-4d r%-4d %-70.70s wall %7.1f ms  thread CPU %7.1f ms%n",
                        s[0], s[1], s[2], svd.describe(), wall, cpu);
            }
        }
    }
}
