#!/usr/bin/env python3
"""Generates the NF4 reference fixture (lowrank4j-core/src/test/resources/nf4-reference/) by
running bitsandbytes' own pure-PyTorch code path on fixed inputs.

bitsandbytes itself is not installed here (it needs torch >= 2.x; Debian ships 1.13), so this
script loads the library's source files from a checkout and executes them with a minimal harness:
  * bitsandbytes/_ops.py needs torch.library features 1.13 lacks; it is replaced by a stub whose
    register_kernel decorator records the functions registered for the "default" backend;
  * the native library is not loaded (cextension is a stub), so every op runs the default
    backend (bitsandbytes/backends/default/ops.py), the reference the Java port follows;
  * torch.ops.bitsandbytes.<op>.default is routed to those recorded functions;
  * the 4-bit code table accepts int32 index tensors (torch 1.13 wants int64; same lookup);
  * typing_extensions.deprecated (newer than Debian's typing_extensions) is a no-op decorator.
Everything else (functional.quantize_4bit / dequantize_4bit / create_dynamic_map,
QuantState.as_dict, utils.pack_dict_to_tensor) is the library's unmodified code.

Usage (with Debian's python3-torch):
  git -C <bnb git dir> archive <commit> bitsandbytes | tar -x -C /tmp/bnb-src
  /usr/bin/python3 scripts/reference/nf4_reference.py /tmp/bnb-src <bnb commit> \
      lowrank4j-core/src/test/resources/nf4-reference

Outputs: cases.safetensors (inputs and every quantized/dequantized value per case),
bnb-layout.safetensors (what Linear4bit._save_to_state_dict writes for two linears),
README.md (provenance).
"""
import json
import math
import struct
import sys
import types
from pathlib import Path

import torch

SRC, COMMIT, OUT = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
PKG = SRC / "bitsandbytes"

# ---- harness: load bitsandbytes source without its package __init__ ---------------------------
KERNELS = {}


def register_kernel(name, device):
    def record(fn):
        if device == "default":
            KERNELS[name.split("::")[1]] = fn
        return fn
    return record


def package(name, path):
    mod = types.ModuleType(name)
    mod.__path__ = [str(path)]
    sys.modules[name] = mod
    return mod


package("bitsandbytes", PKG)
sys.modules["bitsandbytes._ops"] = types.SimpleNamespace(register_kernel=register_kernel)
sys.modules["bitsandbytes.cextension"] = types.SimpleNamespace(lib=None)
package("bitsandbytes.backends", PKG / "backends")
package("bitsandbytes.backends.default", PKG / "backends" / "default")
import typing_extensions  # noqa: E402  Debian's is older than the decorator functional.py imports
if not hasattr(typing_extensions, "deprecated"):
    typing_extensions.deprecated = lambda *args, **kwargs: (lambda f: f)

import bitsandbytes.backends.default.ops as default_ops  # noqa: E402  registers the default kernels
import bitsandbytes.functional as F  # noqa: E402


class _Int32Indexable(torch.Tensor):
    """torch 1.13 refuses int32 index tensors (newer torch accepts them); same lookup with int64."""

    def __getitem__(self, idx):
        if isinstance(idx, torch.Tensor) and idx.dtype == torch.int32:
            idx = idx.long()
        return torch.Tensor.__getitem__(self.as_subclass(torch.Tensor), idx)


_code_for = default_ops._get_4bit_code
default_ops._get_4bit_code = lambda quant_type, device: _code_for(quant_type, device).as_subclass(_Int32Indexable)


class _Op:
    def __init__(self, fn):
        self.default = fn


class _TorchWithBnbOps(types.ModuleType):
    """torch, except that torch.ops.bitsandbytes.X.default is the recorded default kernel X."""

    def __init__(self):
        super().__init__("torch")
        self.ops = types.SimpleNamespace(bitsandbytes=types.SimpleNamespace(
            **{name: _Op(fn) for name, fn in KERNELS.items()}))

    def __getattr__(self, item):
        return getattr(torch, item)


F.torch = _TorchWithBnbOps()

# ---- fixture inputs ----------------------------------------------------------------------------
NF4 = F.get_4bit_type("nf4", device="cpu")
MIDPOINTS = (NF4[:-1] + NF4[1:]) / 2
gen = torch.Generator().manual_seed(20240601)


def ties_block():
    """64 values with absmax exactly 1.0: every mid-point of the code, and the floats either side."""
    vals = [1.0, -1.0, 0.0]
    for m in MIDPOINTS.tolist():
        mf = torch.tensor(m, dtype=torch.float32)
        vals += [mf.item(), torch.nextafter(mf, torch.tensor(2.0)).item(),
                 torch.nextafter(mf, torch.tensor(-2.0)).item()]
    vals = vals[:64]
    vals += [0.5] * (64 - len(vals))
    return torch.tensor(vals, dtype=torch.float32)


def special_input():
    """shape [3, 70]: 3 full blocks of 64 and a partial block of 18."""
    normal = torch.randn(64, generator=gen) * 0.05
    tiny = torch.randn(64, generator=gen) * 1e-40          # subnormal absmax (clamped reciprocal)
    tail = torch.zeros(18)                                  # all-zero partial block
    return torch.cat([ties_block(), normal, tiny, tail]).reshape(3, 70)


def zero_block_input():
    """shape [5, 13] = 65 values: an all-zero full block, a one-element partial block (odd count)."""
    x = torch.zeros(65)
    x[64] = -3.25
    return x.reshape(5, 13)


CASES = [
    # name, input, blocksize, double quant
    ("special", special_input(), 64, False),
    ("odd", zero_block_input(), 64, False),
    ("normal_bs32", torch.randn(7, 96, generator=gen), 32, False),
    ("normal_bs128_dq", torch.randn(24, 200, generator=gen) * 0.02, 128, True),
    # 300 absmax values: two nested 256-blocks, the second one partial
    ("normal_bs64_dq", torch.randn(64, 300, generator=gen) * 0.02, 64, True),
]


def quantize_case(x, blocksize, nested):
    packed, qs = F.quantize_4bit(x, blocksize=blocksize, compress_statistics=nested, quant_type="nf4")
    deq = F.dequantize_4bit(packed, qs, quant_type="nf4")
    return packed, qs, deq


# ---- a minimal safetensors writer (format: 8-byte LE header length, JSON header, raw data) -----
DTYPES = {torch.float32: "F32", torch.uint8: "U8"}


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - (8 + len(raw)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


OUT.mkdir(parents=True, exist_ok=True)
cases = {"nf4_code": NF4, "dynamic_map": F.create_dynamic_map()}
for name, x, blocksize, nested in CASES:
    packed, qs, deq = quantize_case(x, blocksize, nested)
    cases[f"{name}.input"] = x.float()
    cases[f"{name}.packed"] = packed
    cases[f"{name}.absmax"] = qs.absmax
    cases[f"{name}.dequantized"] = deq.float()
    cases[f"{name}.blocksize"] = torch.tensor([blocksize], dtype=torch.float32)
    if nested:
        cases[f"{name}.offset"] = qs.offset.reshape(1).float()
        cases[f"{name}.nested_absmax"] = qs.state2.absmax
        cases[f"{name}.nested_quant_map"] = qs.state2.code
write_safetensors(OUT / "cases.safetensors", cases, {"format": "pt", "bitsandbytes_commit": COMMIT})

# What Linear4bit._save_to_state_dict adds after "<prefix>weight": QuantState.as_dict(packed=True).
layout = {}
for prefix, x, nested in [("plain", torch.randn(6, 40, generator=gen), False),
                          ("nested", torch.randn(12, 64, generator=gen) * 0.1, True)]:
    packed, qs = F.quantize_4bit(x.to(torch.bfloat16), blocksize=64, compress_statistics=nested,
                                 quant_type="nf4")
    layout[f"{prefix}.weight"] = packed
    for k, v in qs.as_dict(packed=True).items():
        layout[f"{prefix}.weight.{k}"] = v
    layout[f"{prefix}.reference_dequantized"] = F.dequantize_4bit(packed, qs, quant_type="nf4").float()
write_safetensors(OUT / "bnb-layout.safetensors", layout, {"format": "pt", "bitsandbytes_commit": COMMIT})

(OUT / "README.md").write_text(f"""# NF4 reference fixture

Generated by `scripts/reference/nf4_reference.py` from bitsandbytes commit `{COMMIT}`
(bitsandbytes-foundation/bitsandbytes), running the library's default (pure PyTorch) backend,
`bitsandbytes/backends/default/ops.py`, through `bitsandbytes/functional.py` under
torch {torch.__version__}. See the script for how the library is loaded without its native part.

* `cases.safetensors`: per case `<case>.input` (float32), `.packed` (uint8, what `quantize_4bit`
  returns), `.absmax` (float32, or uint8 when double-quantized), `.dequantized` (`dequantize_4bit`),
  `.blocksize`; double-quantized cases add `.offset`, `.nested_absmax`, `.nested_quant_map`.
  Also `nf4_code` (`get_4bit_type("nf4")`) and `dynamic_map` (`create_dynamic_map()`).
* `bnb-layout.safetensors`: `<layer>.weight` plus every entry of `QuantState.as_dict(packed=True)`
  under `<layer>.weight.`, exactly as `Linear4bit._save_to_state_dict` names them, for a bf16
  weight without (`plain`) and with (`nested`) double quantization; `<layer>.reference_dequantized`
  is bitsandbytes' dequantization of it.
""")
print("wrote", OUT, "cases:", ", ".join(c[0] for c in CASES))
