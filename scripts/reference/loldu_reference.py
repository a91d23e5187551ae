#!/usr/bin/env python3
"""Writes lowrank4j-core/src/test/resources/loldu-reference/loldu_reference.safetensors.

Runs the LoLDU authors' own parametrization (SKDDJ/LoLDU minloldu/loldu.py, commit 4fe87a0) on two
small float32 weights ("tall" 7x6 and "wide" 5x8, rank 3) for every init_method their code has,
with their from_linear default lora_alpha = 1 (sigma = 1/r). Per shape and init it stores the
authors' factors (P, L_r = lora_B, U_r = lora_A), the initial z (so the Java test can replay the
random draws of uniform/normal/s_*), the residual W_res (what the layer's weight holds after
init), W_eff = W_res + sigma P L_r diag(z) U_r, and the gradients of z and sigma for the loss
sum(g * (x W_eff^T)) with fixed x and g.

Usage: python3 loldu_reference.py LOLDU_CHECKOUT OUTPUT.safetensors
(a directory holding minloldu/). Needs torch 1.13 (Debian's python3-torch); the build never runs this.
"""
import json
import struct
import sys
import types

import torch
import torch.nn.utils.parametrize as parametrize
from torch import nn

# loldu.py imports lightning only to subclass LightningModule; a plain nn.Module behaves the same here.
lightning = types.ModuleType("lightning")
lightning.LightningModule = nn.Module
sys.modules["lightning"] = lightning
package = types.ModuleType("minloldu")  # skip __init__.py (it only re-exports)
package.__path__ = [sys.argv[1] + "/minloldu"]
sys.modules["minloldu"] = package
from minloldu.loldu import LoLDUParametrization  # noqa: E402

RANK, ROWS = 3, 4
SHAPES = {"tall": (7, 6), "wide": (5, 8)}
INITS = ["lu", "uniform", "normal", "constant", "zeros", "ones", "s_uniform", "s_normal"]

tensors, meta = {}, {"rank": RANK, "lora_alpha": 1, "inits": ",".join(INITS), "shapes": ",".join(SHAPES),
                     "source": "SKDDJ/LoLDU@4fe87a05a668006f55153539cece7fffa91ed91d minloldu/loldu.py"}
for shape_index, (shape, (m, n)) in enumerate(SHAPES.items()):
    gen = torch.Generator().manual_seed(100 + shape_index)
    w = torch.randn(m, n, generator=gen)
    x = torch.randn(ROWS, n, generator=gen)
    g = torch.randn(ROWS, m, generator=gen)
    tensors[f"{shape}.w"], tensors[f"{shape}.x"], tensors[f"{shape}.g"] = w, x, g
    for init_index, init in enumerate(INITS):
        torch.manual_seed(1000 * shape_index + init_index)  # their random inits draw from the global generator
        layer = nn.Linear(n, m, bias=False)
        with torch.no_grad():
            layer.weight.copy_(w)
        loldu = LoLDUParametrization.from_linear(layer, rank=RANK, init_method=init)
        # registering evaluates the parametrization once, which runs their one-time init hook
        parametrize.register_parametrization(layer, "weight", loldu)
        _ = layer.weight  # make sure the hook has run before the factors are read
        z_init = loldu.vector_z.detach().clone()
        w_res = layer.parametrizations.weight.original.detach().clone()
        w_eff = layer.weight.detach().clone()
        loss = (g * (x @ layer.weight.T)).sum()
        loss.backward()
        key = f"{shape}.{init}"
        tensors[f"{key}.z_init"] = z_init
        tensors[f"{key}.w_res"] = w_res
        tensors[f"{key}.w_eff"] = w_eff
        tensors[f"{key}.grad_z"] = loldu.vector_z.grad.detach().clone()
        tensors[f"{key}.grad_sigma"] = loldu.scaling_factor.grad.detach().reshape(1).clone()
        if init == "lu":
            tensors[f"{shape}.p"] = loldu.P.detach().clone()
            tensors[f"{shape}.lower"] = loldu.lora_B.detach().clone()
            tensors[f"{shape}.upper"] = loldu.lora_A.detach().clone()
            tensors[f"{shape}.sigma"] = loldu.scaling_factor.detach().reshape(1).clone()


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
