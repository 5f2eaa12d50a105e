"""Fakes injected through the handlers' seams, and a small PNG decoder to check what they encode."""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

from conftest import ENDPOINTS, load_module


def generator_inference():
    return load_module("diffalign_generator_inference", os.path.join(ENDPOINTS, "generator", "inference.py"))


def scorer_inference():
    return load_module("diffalign_scorer_inference", os.path.join(ENDPOINTS, "scorer", "inference.py"))


# --- PNG decoding (independent of common/png.py's encoder) -----------------------------------------


def decode_png(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    position, idat, header = 8, b"", None
    kinds = []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        kinds.append(kind)
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0
    channels = {0: 1, 2: 3, 6: 4}[colour]
    raw = zlib.decompress(idat)
    stride = width * channels
    assert len(raw) == height * (stride + 1)
    out = np.zeros((height, stride), dtype=np.int64)
    previous = np.zeros(stride, dtype=np.int64)
    for row in range(height):
        line = raw[row * (stride + 1) : (row + 1) * (stride + 1)]
        kind, filtered = line[0], list(line[1:])
        current = [0] * stride
        for i in range(stride):
            a = current[i - channels] if i >= channels else 0
            b = int(previous[i])
            c = int(previous[i - channels]) if i >= channels else 0
            if kind == 0:
                predictor = 0
            elif kind == 1:
                predictor = a
            elif kind == 2:
                predictor = b
            elif kind == 3:
                predictor = (a + b) // 2
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            else:
                raise AssertionError(f"unknown filter {kind}")
            current[i] = (filtered[i] + predictor) & 0xFF
        out[row] = current
        previous = out[row]
    image = out.astype(np.uint8).reshape(height, width, channels)
    return image[:, :, 0] if channels == 1 else image


# --- a fake diffusers pipeline ---------------------------------------------------------------------


def fake_eps(seed: int, shape) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def fake_image(prompt: str, latent: np.ndarray, height: int, width: int) -> np.ndarray:
    """A deterministic picture of (prompt, latent): what the test expects back for that item."""
    tint = zlib.crc32(prompt.encode("utf-8"))
    base = np.array([tint & 0xFF, (tint >> 8) & 0xFF, (tint >> 16) & 0xFF], dtype=np.int64)
    ys, xs = np.mgrid[0:height, 0:width]
    shade = int(round(float(np.mean(latent)) * 40)) % 256
    image = (base[None, None, :] + (ys[:, :, None] * 3 + xs[:, :, None] * 5) + shade) % 256
    return image.astype(np.uint8)


@dataclass
class FakeRunner:
    """A PipelineRunner standing in for DiffusersRunner: latents 4 × H/8 × W/8, images from prompts."""

    channels: int = 4
    scale: int = 8
    float_output: bool = False
    timesteps_run: int | None = None
    fail_with: Exception | None = None
    nsfw_prompts: tuple = ()  # prompts whose image the fake safety checker flags
    calls: list = field(default_factory=list)
    draws: list = field(default_factory=list)

    def latent_shape(self, width: int, height: int):
        return (self.channels, height // self.scale, width // self.scale)

    def draw_noise(self, seed: int, shape):
        self.draws.append(seed)
        return fake_eps(seed, shape)

    def run(self, batch):
        from generator_core import PipelineOutput

        self.calls.append(batch)
        if self.fail_with is not None:
            raise self.fail_with
        images = np.stack(
            [fake_image(prompt, latent, batch.height, batch.width) for prompt, latent in zip(batch.prompts, batch.latents)]
        )
        if self.float_output:
            images = images.astype(np.float64) / 255.0
        nsfw = [prompt in self.nsfw_prompts for prompt in batch.prompts] if self.nsfw_prompts else None
        return PipelineOutput(images=images, timesteps_run=self.timesteps_run, nsfw=nsfw)


class FakeContext:
    """The model server's per-request context, as far as the handlers use it."""

    def __init__(self) -> None:
        self.status = None

    def set_response_status(self, code: int = 200, phrase: str = "", idx: int = 0) -> None:
        self.status = (code, phrase)


def item(prompt="a red apple", seed=1, **overrides) -> dict:
    base = {
        "prompt": prompt,
        "noise": {"terms": [{"seed": seed, "weight": 1}]},
        "steps": 4,
        "guidance": 5,
        "width": 64,
        "height": 64,
        "format": "png",
    }
    base.update(overrides)
    return base


def request(*items) -> dict:
    return {"version": "generator-v1", "items": list(items)}
