"""PNG encoding with numpy and zlib, so the bytes a handler returns come from tested code, not PIL.

8-bit greyscale, RGB or RGBA, non-interlaced. Each scanline gets the PNG filter (None, Sub, Up,
Average, Paeth) with the smallest sum of absolute signed residuals, the heuristic libpng uses;
everything is vectorised over the whole image, so a 1024² RGB image encodes in tens of milliseconds.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MEDIA_TYPE = "image/png"
_COLOR_TYPES = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type


def float_to_uint8(images: np.ndarray) -> np.ndarray:
    """[0, 1] floats to bytes as diffusers' `numpy_to_pil` does: `round(x * 255)`, clipped to 0..255."""
    array = np.asarray(images, dtype=np.float64)
    return np.clip(np.round(array * 255.0), 0, 255).astype(np.uint8)


def encode_png(pixels: np.ndarray, compression: int = 6) -> bytes:
    """PNG bytes of an (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) uint8 array."""
    array = np.asarray(pixels)
    if array.dtype != np.uint8:
        raise ValueError(f"encode_png wants uint8 pixels, got {array.dtype}")
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or array.shape[2] not in _COLOR_TYPES:
        raise ValueError(f"encode_png wants (H, W[, 1|3|4]) pixels, got shape {array.shape}")
    height, width, channels = array.shape
    if height == 0 or width == 0:
        raise ValueError("encode_png wants a non-empty image")
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    raw = _filter_scanlines(np.ascontiguousarray(array).reshape(height, width * channels), channels)
    return b"".join(
        [
            PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(raw, compression)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _filter_scanlines(rows: np.ndarray, bpp: int) -> bytes:
    """Filter-type byte + filtered bytes per row, choosing per row the filter of least residual."""
    x = rows.astype(np.int16)
    up = np.zeros_like(x)
    up[1:] = x[:-1]
    left = np.zeros_like(x)
    left[:, bpp:] = x[:, :-bpp]
    up_left = np.zeros_like(x)
    up_left[1:, bpp:] = x[:-1, :-bpp]

    p = left + up - up_left
    pa = np.abs(p - left)
    pb = np.abs(p - up)
    pc = np.abs(p - up_left)
    paeth = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, up, up_left))

    candidates = np.stack(
        [
            x,
            x - left,
            x - up,
            x - ((left + up) >> 1),
            x - paeth,
        ]
    ) & 0xFF  # (5, H, row bytes), residuals mod 256
    signed = np.where(candidates >= 128, 256 - candidates, candidates)
    choice = np.argmin(signed.sum(axis=2), axis=0)  # per row; ties go to the simpler filter
    chosen = candidates[choice, np.arange(rows.shape[0])].astype(np.uint8)
    out = np.empty((rows.shape[0], rows.shape[1] + 1), dtype=np.uint8)
    out[:, 0] = choice.astype(np.uint8)
    out[:, 1:] = chosen
    return out.tobytes()
