#!/usr/bin/env python3
"""Reference data for lowrank4j's post-training quantizers (dev.lowrank4j.quant.ptq), computed by
the authors' own quantizer: quant/UniformAffineQuantizer.py of onliwad101/FlexRound_LRQ at commit
59d4665145e340c0dd69627467799c53009f0833, imported from a checkout given on the command line (it
needs only torch; nothing of it is copied here).

  python3 scripts/reference/ptq_quantizers.py FLEXROUND_LRQ_CHECKOUT \
      lowrank4j-core/src/test/resources/ptq-reference/quantizers.safetensors

Writes, all float32 (zero points too, as the authors keep them):
  <m>.w                          weights: "mixed" [12, 40] (mixed signs, with an all-zero row, an
                                 all-positive, an all-negative and an outlier row: the 2-D search
                                 runs on them because the matrix as a whole has both signs), "positive" [6, 24] (all >= 0,
                                 one zero row) and "negative" [5, 24] (all <= 0)
  <m>.<grid><b>.scale/.zero_point  per-row grid from the authors' init: grid "lp" = clipping=True
                                 (the L2.4 search), "minmax" = clipping=False
  mixed.lp4.rtn                  (clamp(round(W/s) + z, 0, 15) - z) * s on that grid
  flexround.init.what            the FlexRound forward at init (learnables as the authors initialise them)
  flexround.<p>                  learnable values set for the check: log_s1 (delta1), s2, s3
  flexround.what / .ratio        forward output and W / S for those values
  grad_out                       dL/dW_hat used for both backward passes (L = sum(grad_out * W_hat))
  flexround.grad.<p>             autograd's gradients
  lrq.<p>, lrq.what, lrq.ratio, lrq.grad.<p>   the same for LRQ with rank 3: log_s1, L, U, r, c

The authors' LRQ takes L and U by slicing 1024 columns/rows of the weight's shape, which fails
with a shape mismatch for a small non-square layer (checked below); so the LRQ quantizer is built
by their constructor and then given rank-3 L and U of our choosing. Their forward is used as is.
"""
import importlib.util
import json
import struct
import sys

import torch

AUTHORS_COMMIT = "59d4665145e340c0dd69627467799c53009f0833"
SEED = 20250611
RANK = 3
VECTORS = {"log_s1", "s3", "r", "c"}
TIE_MARGIN = 1e-5  # no W/S may lie this close to a .5 tie (an ulp of exp moves W/S by ~2e-6 at most)


def load_authors_quantizer(checkout):
    spec = importlib.util.spec_from_file_location("uaq", f"{checkout}/quant/UniformAffineQuantizer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.UniformAffineQuantizer


def weights(gen):
    mixed = torch.randn(12, 40, generator=gen) * (0.02 + 0.05 * torch.rand(12, 1, generator=gen))
    mixed[3] = 0.0
    mixed[5] = mixed[5].abs()
    mixed[9] = -mixed[9].abs()
    mixed[7, 11] = 0.9
    positive = (torch.randn(6, 24, generator=gen) * 0.05).abs()
    positive[2] = 0.0
    negative = -(torch.randn(5, 24, generator=gen) * 0.05).abs()
    return {"mixed": mixed, "positive": positive, "negative": negative}


def grid(Q, w, bits, clipping):
    q = Q(n_bits=bits, symmetric=False, clipping=clipping, channel_wise=True, mode="flexround", org_weight=w)
    return q.delta.reshape(-1).clone(), q.zero_point.reshape(-1).clone()


def far_from_ties(ratio, what):
    frac = (ratio - torch.floor(ratio) - 0.5).abs()
    worst = frac.min().item()
    if worst < TIE_MARGIN:
        sys.exit(f"{what}: W/S within {worst:.2e} of a rounding tie; pick another SEED")


def main(checkout, out_path):
    torch.manual_seed(SEED)
    Q = load_authors_quantizer(checkout)
    gen = torch.Generator().manual_seed(SEED)
    tensors = {}
    ws = weights(gen)
    for name, w in ws.items():
        tensors[f"{name}.w"] = w
    for bits in (2, 3, 4, 8):
        s, z = grid(Q, ws["mixed"], bits, True)
        tensors[f"mixed.lp{bits}.scale"], tensors[f"mixed.lp{bits}.zero_point"] = s, z
    tensors["mixed.minmax4.scale"], tensors["mixed.minmax4.zero_point"] = grid(Q, ws["mixed"], 4, False)
    tensors["positive.lp4.scale"], tensors["positive.lp4.zero_point"] = grid(Q, ws["positive"], 4, True)
    tensors["negative.lp3.scale"], tensors["negative.lp3.zero_point"] = grid(Q, ws["negative"], 3, True)

    w = ws["mixed"]
    s, z = tensors["mixed.lp4.scale"].unsqueeze(1), tensors["mixed.lp4.zero_point"].unsqueeze(1)
    far_from_ties(w / s, "rtn")
    tensors["mixed.lp4.rtn"] = (torch.clamp(torch.round(w / s) + z, 0, 15) - z) * s

    grad_out = torch.randn(w.shape, generator=gen)
    tensors["grad_out"] = grad_out

    fr = Q(n_bits=4, symmetric=False, clipping=True, channel_wise=True, mode="flexround", org_weight=w)
    assert torch.equal(fr.delta.reshape(-1), tensors["mixed.lp4.scale"])
    with torch.no_grad():
        tensors["flexround.init.what"] = fr(w).clone()
        fr.delta1.add_(0.05 * torch.randn(fr.delta1.shape, generator=gen))
        fr.delta2.copy_(0.2 * torch.randn(fr.delta2.shape, generator=gen))
        fr.delta3.copy_(0.1 * torch.randn(fr.delta3.shape, generator=gen))
    record(tensors, "flexround", fr, w, grad_out,
           {"log_s1": fr.delta1, "s2": fr.delta2, "s3": fr.delta3},
           lambda: fr.delta1 + fr.delta2 + fr.delta3)

    lrq = Q(n_bits=4, symmetric=False, clipping=True, channel_wise=True, mode="lrq", org_weight=w)
    try:
        lrq(w)
        sys.exit("expected the authors' LRQ to fail on a small non-square layer")
    except RuntimeError as e:
        print(f"authors' LRQ on [12, 40] without a chosen rank fails as documented: {e}")
    with torch.no_grad():
        lrq.delta1.add_(0.05 * torch.randn(lrq.delta1.shape, generator=gen))
    lrq.delta2 = torch.nn.Parameter(0.1 * torch.randn(w.shape[0], RANK, generator=gen))
    lrq.delta3 = torch.nn.Parameter(0.3 * torch.randn(RANK, w.shape[1], generator=gen))
    with torch.no_grad():
        lrq.delta4.copy_(0.05 * torch.randn(lrq.delta4.shape, generator=gen))
        lrq.delta5.copy_(0.05 * torch.randn(lrq.delta5.shape, generator=gen))
    record(tensors, "lrq", lrq, w, grad_out,
           {"log_s1": lrq.delta1, "L": lrq.delta2, "U": lrq.delta3, "r": lrq.delta4, "c": lrq.delta5},
           lambda: lrq.delta1 + torch.matmul(lrq.delta2, lrq.delta3) + lrq.delta4 + lrq.delta5)

    meta = {"generator": "scripts/reference/ptq_quantizers.py", "authors_repo": "onliwad101/FlexRound_LRQ",
            "authors_commit": AUTHORS_COMMIT, "torch": torch.__version__, "seed": str(SEED), "lrq_rank": str(RANK)}
    write_safetensors(out_path, {k: v.detach().contiguous().float() for k, v in tensors.items()}, meta)
    print(f"wrote {len(tensors)} tensors to {out_path}")


def record(tensors, prefix, quantizer, w, grad_out, params, exponent):
    """Forward with the authors' module, W / S for the tie check, and autograd's gradients."""
    with torch.no_grad():
        ratio = w / exponent().exp()
    far_from_ties(ratio, prefix)
    what = quantizer(w)
    (what * grad_out).sum().backward()
    tensors[f"{prefix}.what"] = what.detach().clone()
    tensors[f"{prefix}.ratio"] = ratio
    for name, p in params.items():
        # the authors' per-row and per-column terms are [out, 1] and [1, in]; lowrank4j's are 1-D
        shape = (-1,) if name in VECTORS else p.shape
        tensors[f"{prefix}.{name}"] = p.detach().clone().reshape(shape)
        tensors[f"{prefix}.grad.{name}"] = p.grad.clone().reshape(shape)


def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        data = tensors[name].numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
