#!/usr/bin/env python3
"""Writes the IDX test fixtures under lowrank4j-core/src/test/resources/:

digits-8x8/   scikit-learn's 8x8 digits (1,797 images, BSD-3; see NOTICE there) as the four IDX
              files of an MNIST-style folder: the first 1,437 rows of digits.csv.gz are the training
              set, the last 360 the test set (file order, no shuffling). Pixels 0..16 are stored as
              round(v * 255 / 16), so a reader's v/255 gives the usual [0, 1] scale.
idx-bad/      tiny hand-made broken files for the reader's error messages.

Only the Python standard library is needed; digits.csv.gz comes from Debian's python3-sklearn
(apt-get install python3-sklearn). Run from the repository root:
    python3 scripts/reference/make_idx_fixtures.py
The build and the tests never run this; they read the committed files.
"""
import gzip
import os
import struct

DIGITS_CSV = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
RESOURCES = "lowrank4j-core/src/test/resources"
TRAIN_ROWS = 1437
IMAGES_MAGIC, LABELS_MAGIC = 0x00000803, 0x00000801


def images_idx(pixels, count, rows, cols, magic=IMAGES_MAGIC):
    return struct.pack(">IIII", magic, count, rows, cols) + bytes(pixels)


def labels_idx(labels, count=None):
    return struct.pack(">II", LABELS_MAGIC, len(labels) if count is None else count) + bytes(labels)


def write(path, data, compress=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if compress:
        # mtime=0 keeps the gzip bytes reproducible
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def digits():
    rows = []
    with gzip.open(DIGITS_CSV, "rt") as f:
        for line in f:
            values = [int(float(v)) for v in line.strip().split(",")]
            assert len(values) == 65, line
            rows.append(([round(v * 255 / 16) for v in values[:64]], values[64]))
    assert len(rows) == 1797, len(rows)
    return rows


def main():
    rows = digits()
    folder = os.path.join(RESOURCES, "digits-8x8")
    for prefix, part in (("train", rows[:TRAIN_ROWS]), ("t10k", rows[TRAIN_ROWS:])):
        pixels = [p for image, _ in part for p in image]
        write(os.path.join(folder, prefix + "-images-idx3-ubyte.gz"), images_idx(pixels, len(part), 8, 8), True)
        write(os.path.join(folder, prefix + "-labels-idx1-ubyte.gz"), labels_idx([l for _, l in part]), True)

    bad = os.path.join(RESOURCES, "idx-bad")
    square = list(range(16))  # one 4x4 image
    write(os.path.join(bad, "wrong-magic-idx3-ubyte"), images_idx(square, 1, 4, 4, magic=0x00000804))
    write(os.path.join(bad, "short-header-idx3-ubyte"), struct.pack(">IH", IMAGES_MAGIC, 1))
    # header promises 3 images of 4x4 (48 bytes), 40 follow
    write(os.path.join(bad, "truncated-idx3-ubyte"), images_idx((square * 3)[:40], 3, 4, 4))
    write(os.path.join(bad, "truncated-idx3-ubyte.gz"), images_idx((square * 3)[:40], 3, 4, 4), True)
    whole = gzip.compress(images_idx(square * 3, 3, 4, 4), mtime=0)
    write(os.path.join(bad, "cut-gzip-idx3-ubyte.gz"), whole[: len(whole) - 12])  # the gzip stream itself ends early
    write(os.path.join(bad, "trailing-bytes-idx1-ubyte"), labels_idx([1, 2, 3]) + b"\x00\x07")
    # a header that would need 2^30 * 4096 * 4096 bytes: must be refused before any allocation
    write(os.path.join(bad, "huge-header-idx3-ubyte"), struct.pack(">IIII", IMAGES_MAGIC, 1 << 30, 4096, 4096) + b"\x00" * 10)
    # an MNIST-style folder whose training labels are one short of its images
    mismatch = os.path.join(bad, "count-mismatch")
    write(os.path.join(mismatch, "train-images-idx3-ubyte"), images_idx(square * 3, 3, 4, 4))
    write(os.path.join(mismatch, "train-labels-idx1-ubyte"), labels_idx([0, 1]))
    write(os.path.join(mismatch, "t10k-images-idx3-ubyte"), images_idx(square, 1, 4, 4))
    write(os.path.join(mismatch, "t10k-labels-idx1-ubyte"), labels_idx([1]))
    print("wrote", folder, "and", bad)


if __name__ == "__main__":
    main()
