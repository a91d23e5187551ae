package dev.lowrank4j.models.bert;

import dev.lowrank4j.kernels.Gemm;
import dev.lowrank4j.nn.LinearLayer;
import dev.lowrank4j.nn.Parameter;
import dev.lowrank4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal LoRA-shaped layer for the tests, y = base(x) + x·Aᵀ·Bᵀ with A [r, in] and B [out, r]:
 * enough to prove that an adapter put in by module path is used in forward, receives gradients in
 * backward and passes the input gradient on. The real adapters live in their own package.
 */
final class LowRankTestAdapter implements LinearLayer {
    private final LinearLayer base;
    private final Parameter a;
    private final Parameter b;
    private final int rank;
    private Tensor input;
    private Tensor hiddenLowRank;

    LowRankTestAdapter(String modulePath, LinearLayer base, int rank) {
        this.base = base;
        this.rank = rank;
        this.a = new Parameter(modulePath + ".lora_A.weight", Tensor.zeros(rank, base.inFeatures()));
        this.b = new Parameter(modulePath + ".lora_B.weight", Tensor.zeros(base.outFeatures(), rank));
    }

    Parameter a() {
        return a;
    }

    Parameter b() {
        return b;
    }

    @Override
    public Tensor forward(Tensor x) {
        int n = x.dim(0), in = inFeatures(), out = outFeatures();
        Tensor y = base.forward(x);
        hiddenLowRank = Tensor.zeros(n, rank);
        Gemm.sgemm(false, true, n, rank, in, 1f, x.data, 0, in, a.data(), 0, in, 0f, hiddenLowRank.data, 0, rank);
        Gemm.sgemm(false, true, n, out, rank, 1f, hiddenLowRank.data, 0, rank, b.data(), 0, rank, 1f, y.data, 0, out);
        input = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        int n = dy.dim(0), in = inFeatures(), out = outFeatures();
        Tensor dx = base.backward(dy);
        Tensor dHidden = Tensor.zeros(n, rank);
        Gemm.sgemm(false, false, n, rank, out, 1f, dy.data, 0, out, b.data(), 0, rank, 0f, dHidden.data, 0, rank);
        Gemm.sgemm(true, false, out, rank, n, 1f, dy.data, 0, out, hiddenLowRank.data, 0, rank, 1f, b.grad().data, 0, rank);
        Gemm.sgemm(true, false, rank, in, n, 1f, dHidden.data, 0, rank, input.data, 0, in, 1f, a.grad().data, 0, in);
        Gemm.sgemm(false, false, n, in, rank, 1f, dHidden.data, 0, rank, a.data(), 0, in, 1f, dx.data, 0, in);
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>(base.parameters());
        out.add(a);
        out.add(b);
        return out;
    }

    @Override
    public int inFeatures() {
        return base.inFeatures();
    }

    @Override
    public int outFeatures() {
        return base.outFeatures();
    }
}
