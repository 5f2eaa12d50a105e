"""PNG encoding of generated images."""

from __future__ import annotations

import numpy as np
import pytest

from common.png import MEDIA_TYPE, encode_png, float_to_uint8
from helpers import decode_png


@pytest.mark.parametrize("shape", [(5, 7, 3), (4, 4, 4), (6, 3), (1, 1, 3), (9, 2, 1)])
def test_encode_decode_round_trip(shape):
    rng = np.random.default_rng(sum(shape))
    pixels = rng.integers(0, 256, size=shape, dtype=np.uint8)
    decoded = decode_png(encode_png(pixels))
    expected = pixels[:, :, 0] if pixels.ndim == 3 and pixels.shape[2] == 1 else pixels
    assert np.array_equal(decoded, expected)


def test_smooth_images_use_filters_and_compress_well():
    ys, xs = np.mgrid[0:64, 0:64]
    pixels = np.stack([(xs * 4) % 256, (ys * 4) % 256, ((xs + ys) * 2) % 256], axis=2).astype(np.uint8)
    data = encode_png(pixels)
    assert np.array_equal(decode_png(data), pixels)
    assert len(data) < pixels.nbytes / 10


def test_only_bytes_are_encoded():
    with pytest.raises(ValueError, match="uint8"):
        encode_png(np.zeros((2, 2, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        encode_png(np.zeros((2, 2, 2), dtype=np.uint8))
    with pytest.raises(ValueError, match="non-empty"):
        encode_png(np.zeros((0, 2, 3), dtype=np.uint8))


def test_float_images_round_like_diffusers_numpy_to_pil():
    values = np.array([0.0, 0.5 / 255, 0.499, 0.5, 1.0, 1.2, -0.1])
    assert float_to_uint8(values).tolist() == [0, 0, 127, 128, 255, 255, 0]


def test_media_type():
    assert MEDIA_TYPE == "image/png"
