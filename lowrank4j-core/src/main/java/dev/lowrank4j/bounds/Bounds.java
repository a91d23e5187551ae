package dev.lowrank4j.bounds;

import dev.lowrank4j.util.PhaseListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Koopman-based bound and the norm-based bounds of one network, from its weight matrices and
 * (optionally) the statistics of a data split. Formulas as in ALGORITHMS.md §9.3–9.4 (what was
 * verified against the papers is in docs/BOUNDS.md); all in natural logs.
 *
 * <p>Notation: layers W_1 … W_L, n examples, B = max‖x‖₂, ‖X‖_F, margin γ, h = the largest layer
 * dimension. Without data, B = ‖X‖_F = n = γ = 1 and only the complexities are reported.
 */
public final class Bounds {
    public static final String KOOPMAN = "koopman", FROBENIUS = "frobenius", PATH = "path", GOLOWICH = "golowich",
            SPECTRAL = "spectral", PAC_BAYES = "pacbayes";

    private Bounds() {}

    public static BoundReport compute(MatrixLayers net, DataStats data, KoopmanOptions koopman) {
        return compute(net, data, koopman, PhaseListener.SILENT);
    }

    /** The SVD of each layer is the slow part (seconds each for a big model's layers), so it is reported per layer. */
    public static BoundReport compute(MatrixLayers net, DataStats data, KoopmanOptions koopman, PhaseListener progress) {
        List<LayerSpectrum> spectra = new ArrayList<>();
        progress.begin("singular values of " + net.description(), net.matrices().size(), "layers");
        for (LayerMatrix m : net.matrices()) {
            spectra.add(LayerSpectrum.of(m));
            progress.advance(spectra.size());
        }
        progress.end();
        return compute(net.description(), net.feedForwardChain(), net.matrices(), spectra, data, koopman);
    }

    static BoundReport compute(String description, boolean chain, List<LayerMatrix> matrices, List<LayerSpectrum> spectra,
                               DataStats data, KoopmanOptions koopman) {
        int depth = spectra.size();
        // only a chain has a last layer that feeds the final function g
        boolean lastInG = koopman.finalLayerInG() && chain && depth >= 2;
        List<KoopmanFactor> kf = new ArrayList<>();
        for (int j = 0; j < depth; j++) {
            kf.add(lastInG && j == depth - 1 ? KoopmanFactor.partOfG(spectra.get(j), koopman) : KoopmanFactor.of(spectra.get(j), koopman));
        }
        int h = 0;
        double sumLogFro = 0, sumLogSpec = 0, sumRatio = 0, sumStable = 0;
        for (LayerSpectrum w : spectra) {
            h = Math.max(h, Math.max(w.rows(), w.cols()));
            sumLogFro += Math.log(w.frobenius());
            sumLogSpec += Math.log(w.spectral());
            sumRatio += Math.pow(w.rowNormSum() / w.spectral(), 2.0 / 3.0);
            sumStable += w.stableRank();
        }
        boolean hasData = data != null;
        double lnN = hasData ? Math.log(data.n()) : 0, lnB = hasData ? Math.log(data.maxInputNorm()) : 0;
        double lnX = hasData ? Math.log(data.inputFrobenius()) : 0, lnG = hasData ? Math.log(data.margin()) : 0;
        double ln2 = Math.log(2);

        Map<String, BoundTotal> totals = new LinkedHashMap<>();

        // L weight layers carry the L − 1 activations σ_1..σ_{L−1} whether or not W_L is folded into g:
        // σ_{L−1} still sits between W_{L−1} and g ∘ W_L
        double lnK = (depth - 1) * koopman.activationLogFactor();
        for (KoopmanFactor f : kf) lnK += f.logFactor();
        double s0 = kf.getFirst().order();
        int d0 = spectra.getFirst().cols();
        double lnKernel = KoopmanFactor.logKernelDiagonal(s0, d0);
        totals.put(KOOPMAN, new BoundTotal("Hashimoto et al. 2024 (ICLR), arXiv 2302.05825",
                lnK, hasData ? lnK + 0.5 * lnKernel - 0.5 * lnN - lnG : Double.NaN,
                "prod_j max(1,|W_j|_2)^{s_j} / prod_i sigma_i(W_j)^{1/2} * C_sigma^{L-1}; bound = that * |g| * sqrt(k(x,x)/n) / gamma",
                "|g| = 1, C_sigma = exp(" + koopman.activationLogFactor() + ") per activation (assumed: for ReLU the operator is"
                        + " unbounded, so this is the paper's weight factor, not a bound of a ReLU network); G_j of injective layers"
                        + " omitted; " + (lastInG ? "last layer taken into g (|g o W_L| is infinite for a non-injective head); " : "")
                        + "ln k(x,x) = " + round(lnKernel) + " for s = " + round(s0) + ", d = " + d0
                        + " (a constant of the Fourier normalization: compare bounds across input dimensions by log10_complexity)"));

        double lnFro = depth * ln2 + sumLogFro;
        totals.put(FROBENIUS, rademacher("Neyshabur, Tomioka & Srebro 2015 (COLT)", lnFro, hasData, lnB, lnN, lnG,
                "2^L prod_j |W_j|_F; bound = B * that / (sqrt(n) gamma)", "ReLU network, biases ignored"));

        double lnPath = chain ? pathNormLog(matrices) : Double.NaN;
        totals.put(PATH, rademacher("Neyshabur, Tomioka & Srebro 2015 (COLT), l2 path norm", depth * ln2 + lnPath, hasData, lnB, lnN, lnG,
                "2^L phi_2(W), phi_2^2 = sum over input-output paths of prod w^2; bound = B * that / (sqrt(n) gamma)",
                Double.isNaN(lnPath) ? "layers do not compose as matrices (convolutions or a non-chain model): not computed"
                        : "phi_2 <= prod |W_j|_F; constant taken as in the Frobenius form (UNVERIFIED)"));

        double lnGol = Math.log(Math.sqrt(2 * depth * ln2) + 1) + sumLogFro;
        totals.put(GOLOWICH, rademacher("Golowich, Rakhlin & Shamir 2018 (COLT)", lnGol, hasData, lnB, lnN, lnG,
                "(sqrt(2 L ln 2) + 1) prod_j |W_j|_F; bound = B * that / (sqrt(n) gamma)", "1-Lipschitz positive-homogeneous activation"));

        double lnRA = sumLogSpec + 1.5 * Math.log(sumRatio);
        double lnLnH = h >= 3 ? Math.log(Math.log(h)) : 0;
        totals.put(SPECTRAL, new BoundTotal("Bartlett, Foster & Telgarsky 2017 (NeurIPS)", lnRA,
                hasData ? lnX + lnRA + lnLnH - lnG - lnN : Double.NaN,
                "R_A = prod_j |W_j|_2 * (sum_j (|W_j^T|_{2,1} / |W_j|_2)^{2/3})^{3/2}; bound = |X|_F R_A ln(h) / (gamma n)",
                "reference matrices M_j = 0, rho_j = 1 (ReLU); h = " + h));

        double lnPb = Math.log(depth) + 0.5 * Math.log(h * Math.log(depth * (double) h)) + sumLogSpec + 0.5 * Math.log(sumStable);
        totals.put(PAC_BAYES, new BoundTotal("Neyshabur, Bhojanapalli & Srebro 2018 (ICLR)", lnPb,
                hasData ? lnB + lnPb - lnG - 0.5 * lnN : Double.NaN,
                "L sqrt(h ln(L h)) prod_j |W_j|_2 sqrt(sum_j |W_j|_F^2 / |W_j|_2^2); bound = B * that / (sqrt(n) gamma)",
                "h = " + h));
        return new BoundReport(description, chain, spectra, kf, totals, data, koopman);
    }

    private static BoundTotal rademacher(String paper, double lnC, boolean hasData, double lnB, double lnN, double lnG,
                                         String formula, String note) {
        return new BoundTotal(paper, lnC, hasData && !Double.isNaN(lnC) ? lnB + lnC - 0.5 * lnN - lnG : Double.NaN, formula, note);
    }

    /**
     * ln φ₂ of a chain of dense layers: φ₂² = 1ᵀ (W_L∘W_L) ⋯ (W_1∘W_1) 1 (∘ the elementwise
     * square), the sum over all input→output paths of the squared products of their weights.
     * NaN when consecutive matrices do not compose (a convolution's patch matrix); not computed for non-chains.
     */
    static double pathNormLog(List<LayerMatrix> matrices) {
        for (int j = 1; j < matrices.size(); j++) {
            if (matrices.get(j).cols() != matrices.get(j - 1).rows() || isConvolution(matrices.get(j))) return Double.NaN;
        }
        if (isConvolution(matrices.getFirst())) return Double.NaN;
        double[] v = new double[matrices.getFirst().cols()];
        java.util.Arrays.fill(v, 1.0);
        double logScale = 0; // rescale each step so deep products stay in range
        for (LayerMatrix m : matrices) {
            double[] next = new double[m.rows()];
            double max = 0;
            for (int i = 0; i < m.rows(); i++) {
                double acc = 0;
                for (int c = 0; c < m.cols(); c++) {
                    double w = m.data()[i * m.cols() + c];
                    acc += w * w * v[c];
                }
                next[i] = acc;
                max = Math.max(max, acc);
            }
            if (max == 0) return Double.NEGATIVE_INFINITY;
            for (int i = 0; i < next.length; i++) next[i] /= max;
            logScale += Math.log(max);
            v = next;
        }
        double sum = 0;
        for (double x : v) sum += x;
        return 0.5 * (logScale + Math.log(sum));
    }

    /** A convolution's patch matrix is not the operator on images: patch matrices do not compose. A formed low-rank W does. */
    private static boolean isConvolution(LayerMatrix m) {
        return m.treatment().contains(CheckpointLayers.CONV_TREATMENT);
    }

    static double round(double x) {
        return Math.round(x * 1e4) / 1e4;
    }
}
