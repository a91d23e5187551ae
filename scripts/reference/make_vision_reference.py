#!/usr/bin/env python3
"""Writes lowrank4j-core/src/test/resources/vision-reference/layers.safetensors: a small
conv -> relu -> max-pool -> flatten -> linear -> cross-entropy stack run forward and backward by
PyTorch, so the Java layers can be checked against it (layouts, padding, stride, flatten order,
pool tie rule, gradient conventions).

Needs python3 with torch (Debian: apt-get install python3-torch). Run from the repository root:
    python3 scripts/reference/make_vision_reference.py
The build and the tests never run this; they read the committed file.
"""
import json
import os
import struct

import torch

OUT = "lowrank4j-core/src/test/resources/vision-reference/layers.safetensors"


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype == torch.float32:
            data, dtype = t.numpy().astype("<f4").tobytes(), "F32"
        elif t.dtype == torch.int64:
            data, dtype = t.numpy().astype("<i8").tobytes(), "I64"
        else:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(20221018)
    # Odd, non-square input; stride 2 and padding 1 exercise the border; 9x8 -> conv 5x4 -> pool 2x2.
    x = torch.randn(2, 3, 9, 8, requires_grad=True)
    conv = torch.nn.Conv2d(3, 4, kernel_size=3, stride=2, padding=1, bias=True)
    pool = torch.nn.MaxPool2d(kernel_size=2, stride=2)
    fc = torch.nn.Linear(4 * 2 * 2, 5)
    labels = torch.tensor([3, 0])

    conv_out = conv(x)
    relu_out = torch.relu(conv_out)
    pool_out = pool(relu_out)
    logits = fc(torch.flatten(pool_out, 1))
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()

    write_safetensors(OUT, {
        "x": x, "labels": labels,
        "conv.weight": conv.weight, "conv.bias": conv.bias, "fc.weight": fc.weight, "fc.bias": fc.bias,
        "conv_out": conv_out, "relu_out": relu_out, "pool_out": pool_out, "logits": logits,
        "loss": loss.reshape(1),
        "grad.x": x.grad, "grad.conv.weight": conv.weight.grad, "grad.conv.bias": conv.bias.grad,
        "grad.fc.weight": fc.weight.grad, "grad.fc.bias": fc.bias.grad,
    }, {"format": "pt", "generator": "scripts/reference/make_vision_reference.py", "torch": torch.__version__})
    print(f"wrote {OUT}: loss {loss.item():.6f}")


if __name__ == "__main__":
    main()
