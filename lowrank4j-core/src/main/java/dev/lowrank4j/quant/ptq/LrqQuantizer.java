package dev.lowrank4j.quant.ptq;

import dev.lowrank4j.Lowrank4jException;
import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;
import dev.lowrank4j.util.Rng;

import java.util.List;

/**
 * LRQ (Luo et al., NAACL 2025; ALGORITHMS §5(a)) as the FlexRound_LRQ code computes it
 * ({@code mode='lrq'}): FlexRound's full S2 replaced by a low-rank product plus row and column
 * vectors,
 * <pre>
 *   S = exp(((log s1 + L·U) + r) + c)     L [out, rank] = 0,  U [rank, in] ~ kaiming_uniform(a = √5),
 *                                         r [out] = 0,  c [in] = 0
 * </pre>
 * kaiming_uniform with a = √5 on a [rank, in] tensor is U(−1/√in, 1/√in). Since L = 0, L·U = 0 and the
 * start is RTN on (s1, z) whatever U is; the gradient reaches U only once L has moved. Learnables
 * {@code <module>.lrq.log_s1}, {@code .L}, {@code .U}, {@code .r}, {@code .c}:
 * out + rank·(out + in) + out + in values.
 *
 * <p>The rank is an explicit option here. The authors' code picks it from the shape (their
 * {@code UniformAffineQuantizer.__init__}): a layer with exactly one dimension above 4096, or an
 * 8192 × 8192 one, silently uses the full FlexRound form even in LRQ mode; otherwise the rank is 2048
 * when both dimensions are at least 8192 and 1024 else. They take L and U by slicing 1024 (2048)
 * columns and rows of the weight's shape, so a layer below 1024 gets rank min(out, in) if square and
 * fails with a shape mismatch if not; at the sizes trained here the rule would be full rank or an
 * error, so each run chooses the rank instead.
 */
public final class LrqQuantizer extends LearnableQuantizer {
    private final int rank;
    private final Parameter lower;
    private final Parameter upper;
    private final Parameter rowTerm;
    private final Parameter columnTerm;

    private LrqQuantizer(String modulePath, Tensor weight, QuantGrid grid, int rank, Rng rng) {
        super(modulePath, "lrq", weight, grid);
        if (rank < 1 || rank > Math.min(out, in)) {
            throw new Lowrank4jException(modulePath + ": LRQ rank must be between 1 and min(out, in) = "
                    + Math.min(out, in) + ", got " + rank);
        }
        this.rank = rank;
        this.lower = new Parameter(modulePath + ".lrq.L", Tensor.zeros(out, rank));
        this.upper = new Parameter(modulePath + ".lrq.U", Tensor.zeros(rank, in));
        this.rowTerm = new Parameter(modulePath + ".lrq.r", Tensor.zeros(out));
        this.columnTerm = new Parameter(modulePath + ".lrq.c", Tensor.zeros(in));
        double bound = 1 / Math.sqrt(in);
        float[] u = upper.data();
        for (int k = 0; k < u.length; k++) u[k] = (float) ((2 * rng.nextDouble() - 1) * bound);
    }

    /** A quantizer for the frozen weight {@code weight} [out, in] starting from {@code grid}; U drawn from rng. */
    public static LrqQuantizer create(String modulePath, Tensor weight, QuantGrid grid, int rank, Rng rng) {
        return new LrqQuantizer(modulePath, weight, grid, rank, rng);
    }

    public int rank() {
        return rank;
    }

    public Parameter lower() {
        return lower;
    }

    public Parameter upper() {
        return upper;
    }

    public Parameter rowTerm() {
        return rowTerm;
    }

    public Parameter columnTerm() {
        return columnTerm;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(logS1, lower, upper, rowTerm, columnTerm);
    }

    /** ((log s1 + L·U) + r) + c, the authors' order of additions. */
    @Override
    protected void fillExponent(float[] a) {
        Gemm.sgemm(false, false, out, in, rank, 1f, lower.data(), 0, rank, upper.data(), 0, in, 0f, a, 0, in);
        float[] d1 = logS1.data(), r = rowTerm.data(), c = columnTerm.data();
        for (int i = 0; i < out; i++) {
            for (int j = 0, k = i * in; j < in; j++, k++) a[k] = d1[i] + a[k] + r[i] + c[j];
        }
    }

    /** dL = dA·Uᵀ, dU = Lᵀ·dA, dr = row sums, dc = column sums. */
    @Override
    protected void backwardExponent(float[] exponentGrad, double[] rowSums) {
        if (lower.grad() != null) {
            Gemm.sgemm(false, true, out, rank, in, 1f, exponentGrad, 0, in, upper.data(), 0, in,
                    1f, lower.grad().data, 0, rank);
        }
        if (upper.grad() != null) {
            Gemm.sgemm(true, false, rank, in, out, 1f, lower.data(), 0, rank, exponentGrad, 0, in,
                    1f, upper.grad().data, 0, in);
        }
        addInto(rowTerm, rowSums);
        if (columnTerm.grad() != null) {
            double[] sums = new double[in];
            for (int i = 0; i < out; i++) for (int j = 0; j < in; j++) sums[j] += exponentGrad[i * in + j];
            addInto(columnTerm, sums);
        }
    }
}
