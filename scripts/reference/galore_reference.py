#!/usr/bin/env python3
"""Writes lowrank4j-core/src/test/resources/galore-reference/galore_reference.safetensors.

Runs the GaLore authors' own projector and AdamW (jiaweizzhao/GaLore, galore_torch/) on small
Gaussian gradients. torch.linalg.svd returns singular vectors with arbitrary signs, and GaLore's
moments carried across a refresh are not sign-invariant, so the SVD the authors' code calls is
wrapped to return lowrank4j's convention: in each left singular vector the entry of largest
magnitude is positive (lowest index on a tie), the right vector flipped with it.

Usage: python3 galore_reference.py GALORE_CHECKOUT OUTPUT.safetensors
(GALORE_CHECKOUT is a directory holding galore_torch/.) Needs torch; the build never runs this.
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

# galore_torch/__init__.py also imports the 8-bit and tensor (tensorly) variants, unused for
# matrices: load the package without it and stub the tensor projector.
package = types.ModuleType("galore_torch")
package.__path__ = [sys.argv[1] + "/galore_torch"]
sys.modules["galore_torch"] = package
tensor_projector = types.ModuleType("galore_torch.galore_projector_tensor")
tensor_projector.GaLoreProjectorTensor = None
sys.modules["galore_torch.galore_projector_tensor"] = tensor_projector
from galore_torch.adamw import AdamW  # noqa: E402
from galore_torch.galore_projector import GaLoreProjector  # noqa: E402

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
                     "source": "jiaweizzhao/GaLore galore_torch (adamw.py, galore_projector.py)"}
for name, (rows, cols) in SHAPES.items():
    grads = [torch.randn(rows, cols) for _ in range(STEPS)]
    w = torch.nn.Parameter(0.5 * torch.randn(rows, cols))
    tensors[f"{name}.weight.0"] = w.detach().clone()
    opt = AdamW([{"params": [w], "rank": RANK, "update_proj_gap": GAP, "scale": SCALE, "proj_type": "std"}],
                lr=LR, weight_decay=WEIGHT_DECAY, no_deprecation_warning=True)
    for step in range(STEPS):
        tensors[f"{name}.grad.{step}"] = grads[step]
        w.grad = grads[step].clone()
        opt.step()
        tensors[f"{name}.weight.{step + 1}"] = w.detach().clone()
        if step % GAP == 0:  # the projector the authors' code refreshed at this step
            tensors[f"{name}.projector.{step}"] = opt.state[w]["projector"].ortho_matrix.clone()
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


write_safetensors(sys.argv[2], tensors, meta)
print(f"wrote {len(tensors)} tensors to {sys.argv[2]}")
