package dev.lowrank4j.adapters.loldu;

import dev.lowrank4j.io.SafeTensorsWriter;

import java.nio.file.Path;

/**
 * LoLDU's own factors in one safetensors file, so a tuned model can be re-created or inspected
 * without the merged weights: for every adapted module path P,
 * <pre>
 *   P.loldu.lower           L_r  [out, r]   (unit lower-triangular part, leading r columns)
 *   P.loldu.upper           U_r  [r, in]
 *   P.loldu.vector_z        z    [r]        (the trained diagonal)
 *   P.loldu.scaling_factor  σ    [1]
 *   P.loldu.permutation     int64 [out]     (row i of L_r·diag(z)·U_r belongs to output row permutation[i])
 * </pre>
 * together with the frozen residual W_res (the base weight the module keeps) these give
 * W = W_res + σ·P·L_r·diag(z)·U_r, which is what the merged model holds.
 */
public final class LolduFile {
    public static final String FILE = "loldu.safetensors";

    private LolduFile() {}

    /** Writes the factors of every layer; call before {@link LolduAdapters#mergeAll}, which consumes them. */
    public static void save(Path file, LolduAdapters adapters) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        adapters.byPath().forEach((path, l) -> {
            w.putFloat(l.lower().name(), l.lower().value());
            w.putFloat(l.upper().name(), l.upper().value());
            w.putFloat(l.z().name(), l.z().value());
            w.putFloat(l.sigma().name(), l.sigma().value());
            int[] perm = l.permutation();
            long[] p = new long[perm.length];
            for (int i = 0; i < p.length; i++) p[i] = perm[i];
            w.putLong(path + ".loldu.permutation", p, p.length);
        });
        w.metadata("format", "lowrank4j-loldu");
        w.write(file);
    }
}
