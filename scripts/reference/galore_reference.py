#!/usr/bin/env python3
"""Writes lowrank4j-core/src/test/resources/galore-reference/galore_reference.safetensors.

Runs the GaLore authors' own projector and AdamW (jiaweizzhao/GaLore galore_torch/, commit
2cc66f8) and the Fira authors' AdamW (xichen-fy/Fira optimizer_torch/, commit 5c28b13) on small
Gaussian gradients. torch.linalg.svd returns singular vectors with arbitrary signs, and GaLore's
moments carried across a refresh are not sign-invariant, so the SVD the authors' code calls is
wrapped to return lowrank4j's convention: in each left singular vector the entry of largest
magnitude is positive (lowest index on a tie), the right vector flipped with it.

Usage: python3 galore_reference.py GALORE_CHECKOUT FIRA_CHECKOUT OUTPUT.safetensors
(directories holding galore_torch/ and optimizer_torch/). Needs torch; the build never runs this.
"""
import json
import struct
import sys
import types

import torch

# The authors' adamw.py imports transformers only for a version check.
versions = types.ModuleType("transformers.utils.versions")
versions.require_version = lambda *args, **kwargs: None
sys.modules["transformers"] = types.ModuleType("transformers")
sys.modules["transformers.utils"] = types.ModuleType("transformers.utils")
sys.modules["transformers.utils.versions"] = versions


def package_without_init(name, directory):
    """The packages' __init__.py import optional extras (8-bit, tensorly, RMSProp): skip them."""
    package = types.ModuleType(name)
    package.__path__ = [directory + "/" + name]
    sys.modules[name] = package


package_without_init("galore_torch", sys.argv[1])
tensor_projector = types.ModuleType("galore_torch.galore_projector_tensor")
tensor_projector.GaLoreProjectorTensor = None  # only for >2-D parameters
sys.modules["galore_torch.galore_projector_tensor"] = tensor_projector
package_without_init("optimizer_torch", sys.argv[2])
from galore_torch.adamw import AdamW  # noqa: E402
from galore_torch.galore_projector import GaLoreProjector  # noqa: E402
from optimizer_torch.fira_adamw import AdamW as FiraAdamW  # noqa: E402

RANK, GAP, SCALE, LR, WEIGHT_DECAY, STEPS = 4, 2, 0.25, 0.01, 0.01, 5
SHAPES = {"wide": (24, 40), "tall": (40, 24)}
# A sign decided by two entries of nearly equal magnitude would not be reproducible.
MIN_SIGN_MARGIN = 1e-3

plain_svd = torch.linalg.svd


def canonical_svd(a, full_matrices=True, **kwargs):
    u, s, vh = plain_svd(a, full_matrices=full_matrices, **kwargs)
    k = s.shape[-1]
    magnitudes = u[:, :k].abs()
    top2 = magnitudes[:, :RANK].topk(2, dim=0).values  # only the kept vectors must be reproducible
    margin = (top2[0] - top2[1]).min().item()
    if margin < MIN_SIGN_MARGIN:
        raise SystemExit(f"sign of a singular vector is a near-tie (margin {margin}); choose other seeds")
    largest = magnitudes.argmax(dim=0)  # first index of the maximum
    signs = torch.sign(u[largest, torch.arange(k)])
    u = u.clone()
    vh = vh.clone()
    u[:, :k] *= signs
    vh[:k, :] *= signs[:, None]
    return u, s, vh


torch.linalg.svd = canonical_svd
torch.manual_seed(20261201)

tensors, meta = {}, {"rank": RANK, "update_gap": GAP, "scale": SCALE, "lr": LR, "weight_decay": WEIGHT_DECAY,
                     "steps": STEPS, "betas": "0.9,0.999", "eps": 1e-6, "proj_type": "std",
                     "source": "jiaweizzhao/GaLore 2cc66f8 galore_torch; xichen-fy/Fira 5c28b13 optimizer_torch"}


def run(optimizer, group, prefix, w0, grads):
    """Steps the authors' optimizer on the gradients, records W after each step; returns each refresh's matrix."""
    w = torch.nn.Parameter(w0.clone())
    opt = optimizer([dict(group, params=[w])], lr=LR, weight_decay=WEIGHT_DECAY, no_deprecation_warning=True)
    projectors = {}
    for step, g in enumerate(grads):
        w.grad = g.clone()
        opt.step()
        tensors[f"{prefix}.weight.{step + 1}"] = w.detach().clone()
        if step % GAP == 0:  # the authors' code refreshed the projector at this step
            projectors[step] = opt.state[w]["projector"].ortho_matrix.clone()
    return projectors


for name, (rows, cols) in SHAPES.items():
    grads = [torch.randn(rows, cols) for _ in range(STEPS)]
    w0 = 0.5 * torch.randn(rows, cols)
    tensors[f"{name}.weight.0"] = w0
    for step, g in enumerate(grads):
        tensors[f"{name}.grad.{step}"] = g
    galore = run(AdamW, {"rank": RANK, "update_proj_gap": GAP, "scale": SCALE, "proj_type": "std"},
                 f"galore.{name}", w0, grads)
    fira = run(FiraAdamW, {"rank": RANK, "update_proj_gap": GAP, "alpha": SCALE, "proj_type": "std"},
               f"fira.{name}", w0, grads)
    for step, matrix in galore.items():
        assert torch.equal(matrix, fira[step])  # Fira's projector is GaLore's: store it once
        tensors[f"{name}.projector.{step}"] = matrix
    # the projector alone, on the first gradient (what GaLoreProjector.refresh must reproduce)
    alone = GaLoreProjector(RANK, update_proj_gap=GAP, scale=SCALE, proj_type="std")
    alone.project(grads[0], 0)
    assert torch.equal(alone.ortho_matrix, tensors[f"{name}.projector.0"])


def write_safetensors(path, named, metadata):
    header, offset, blobs = {"__metadata__": {k: str(v) for k, v in metadata.items()}}, 0, []
    for key in sorted(named):
        data = named[key].contiguous().to(torch.float32).numpy().tobytes()
        header[key] = {"dtype": "F32", "shape": list(named[key].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


write_safetensors(sys.argv[3], tensors, meta)
print(f"wrote {len(tensors)} tensors to {sys.argv[3]}")
