"""Writes test/fixtures/pillow-resize/*.json: Pillow's mode-F BILINEAR resize, for the TypeScript port.

  /usr/bin/python3 tools/qs/make_resize_fixtures.py [--out test/fixtures/pillow-resize]

Each fixture: {"name", "description", "pillowVersion", "inputHeight", "inputWidth", "size",
"input": [H*W float32, row-major], "rows": [r...], "output": [[S float32] per listed row]}.
`rows` lists every output row for S <= 32 and a fixed subset (edges, middle, a spread) above,
to keep the committed files small. Every number is an exact float32 (Math.fround(v) === v).
"""

import argparse
import json
import os
import sys

import numpy as np
import PIL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from preprocess import resize_pillow_bilinear  # noqa: E402

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "pillow-resize")


def quarter_steps(rng, shape):
    """Values k/4 in [-2, 2]: exact in float32 and short in JSON."""
    return (rng.integers(-8, 9, size=shape) / 4).astype(np.float32)


def mask(rng, shape, fill=0.5):
    """A 0/1 float mask with a solid block, like an organ crop."""
    out = (rng.random(shape) < 0.05).astype(np.float32)
    h, w = shape
    out[int(h * 0.2): max(int(h * 0.2) + 1, int(h * (0.2 + fill))), int(w * 0.3): max(int(w * 0.3) + 1, int(w * 0.8))] = 1
    return out


def windowed_ct(rng, shape):
    """A CT-like crop after the HU window: ((clip(hu, -200, 200) + 200) / 400) in float32."""
    hu = rng.integers(-1100, 1300, size=shape).astype(np.float32)
    return (np.clip(hu, -200, 200) + np.float32(200)) / np.float32(400)


def cases():
    """(name, description, input, size) for every fixture."""
    rng = np.random.default_rng(20240601)
    yield "up-4x4-to-16", "upscale 4x", quarter_steps(rng, (4, 4)), 16
    yield "up-7x5-to-16", "upscale, non-square input", quarter_steps(rng, (7, 5)), 16
    yield "row-1x9-to-16", "1 pixel tall", quarter_steps(rng, (1, 9)), 16
    yield "col-9x1-to-16", "1 pixel wide", quarter_steps(rng, (9, 1)), 16
    yield "pixel-1x1-to-16", "a single pixel", np.array([[0.75]], dtype=np.float32), 16
    yield "same-16x16", "same size (Pillow copies)", quarter_steps(rng, (16, 16)), 16
    yield "down-100x100-to-16", "downscale 6.25x", quarter_steps(rng, (100, 100)), 16
    yield "down-300x11-to-16", "rows down ~19x, columns up", quarter_steps(rng, (300, 11)), 16
    yield "down-400x3-to-8", "rows down 50x, 3 pixels wide", quarter_steps(rng, (400, 3)), 8
    yield "down-128x96-to-4", "downscale 32x/24x", mask(rng, (128, 96)), 4
    yield "mixed-151x29-to-32", "rows down, columns up", quarter_steps(rng, (151, 29)), 32
    yield "mask-61x97-to-64", "0/1 mask, non-square, mixed", mask(rng, (61, 97)), 64
    yield "ct-45x45-to-32", "windowed CT values, downscale", windowed_ct(rng, (45, 45)), 32
    yield "ct-23x31-to-256", "windowed CT values, upscale to 256", windowed_ct(rng, (23, 31)), 256
    yield "mask-12x20-to-256", "0/1 mask, upscale to 256", mask(rng, (12, 20)), 256
    yield "row-1x3-to-256", "1 pixel tall, upscale to 256", quarter_steps(rng, (1, 3)), 256


def listed_rows(size, height):
    """Every row up to 32; edges, middle and a spread above (all rows agree for a 1-row input)."""
    if size <= 32:
        return list(range(size))
    if height == 1:
        return [0, size // 2, size - 1]
    return sorted({0, 1, 2, size // 4 + 1, size // 2 - 1, size // 2, 3 * size // 4 - 3, size - 2, size - 1})


def number(value):
    """A float32 as a JSON number: integers without a fraction, others as the exact double."""
    value = float(value)
    return int(value) if value.is_integer() else value


def fixture(name, description, image, size):
    """The JSON object of one fixture."""
    output = resize_pillow_bilinear(image, size)
    rows = listed_rows(size, image.shape[0])
    return {
        "name": name,
        "description": description,
        "pillowVersion": PIL.__version__,
        "inputHeight": int(image.shape[0]),
        "inputWidth": int(image.shape[1]),
        "size": size,
        "input": [number(v) for v in image.reshape(-1)],
        "rows": rows,
        "output": [[number(v) for v in output[r]] for r in rows],
    }


def main():
    parser = argparse.ArgumentParser(description="Write Pillow mode-F BILINEAR resize fixtures.")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for name, description, image, size in cases():
        path = os.path.join(args.out, f"{name}.json")
        text = json.dumps(fixture(name, description, image, size), separators=(",", ":")) + "\n"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        total += len(text)
    print(f"wrote {args.out}: {total // 1024} KB")


if __name__ == "__main__":
    main()
