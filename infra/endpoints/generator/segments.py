"""generator-v2's pure parts (no torch): latent checkpoints on the wire, the stochastic sampler's step
seeds, re-noising, and the seam through which a stock diffusers pipeline runs a subset of a DDIM(η)
schedule (`SegmentScheduler`).

Contract (the TypeScript zod schemas: `src/adapters/sagemaker/wire/generator-v2.ts`; the port:
`src/ports/generator.ts`, `GenerateItemV2`):
- an item runs schedule positions [from, to) of its `steps`-step DDIM schedule (the model's own noise
  schedule and timestep spacing), from its noise recipe (from = 0) or from `start`, a checkpoint this
  endpoint answered earlier; with `renoise` the checkpoint is first re-noised back to `from`
  (< start.step): x_from = √(ᾱ_from/ᾱ_start)·x_start + √(1 − ᾱ_from/ᾱ_start)·z, z the recipe's noise;
- `sampler: {eta, seed}` runs DDIM with η; the noise injected at position i is ε(sampler_step_seed(seed,
  i)), drawn like every ε(seed) (a CPU torch.Generator), so the same seeds give the same image however
  the schedule is cut;
- a checkpoint is the latent at `to` in the pipeline's own dtype (float16 on GPU: lossless), C order,
  little-endian, zlib-deflated (RFC 1950), base64: `{step, steps, shape, dtype, data, model}`;
- a preview is the scheduler's x̂₀ (`pred_original_sample`) of the last step run, decoded by the VAE and
  resized to the asked size: it costs a decode, no denoiser evaluation.
"""

from __future__ import annotations

import base64
import binascii
import math
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from common.errors import ValidationError
from common.validate import require_int, require_list, require_literal, require_object, require_string

DTYPES = {"float16": "<f2", "float32": "<f4", "float64": "<f8"}
MAX_CHECKPOINT_CHARS = 5_000_000


@dataclass(frozen=True)
class Checkpoint:
    step: int
    steps: int
    shape: tuple[int, ...]
    dtype: str
    data: str
    model: str | None = None


def parse_checkpoint(value: Any, path: str) -> Checkpoint:
    """The wire form (`latentCheckpointSchema`); the data itself is checked by `decode_checkpoint`."""
    raw = require_object(value, path)
    shape = tuple(require_int(side, f"{path}.shape[{index}]", 1) for index, side in enumerate(require_list(raw.get("shape"), f"{path}.shape", 1, 8)))
    model = raw.get("model")
    return Checkpoint(
        step=require_int(raw.get("step"), f"{path}.step", 0),
        steps=require_int(raw.get("steps"), f"{path}.steps", 1),
        shape=shape,
        dtype=require_literal(raw.get("dtype"), f"{path}.dtype", tuple(DTYPES)),
        data=require_string(raw.get("data"), f"{path}.data", max_length=MAX_CHECKPOINT_CHARS),
        model=None if model is None else require_string(model, f"{path}.model"),
    )


def decode_checkpoint(checkpoint: Checkpoint, path: str = "start") -> np.ndarray:
    """The latent of a checkpoint, in its own dtype; a ValidationError when the data does not match."""
    try:
        raw = zlib.decompress(base64.b64decode(checkpoint.data, validate=True))
    except (binascii.Error, zlib.error, ValueError) as error:
        raise ValidationError(f"{path}.data: not deflated base64 ({error})") from error
    count = math.prod(checkpoint.shape)
    dtype = np.dtype(DTYPES[checkpoint.dtype])
    if len(raw) != count * dtype.itemsize:
        raise ValidationError(f"{path}.data: {len(raw)} bytes, shape {checkpoint.shape} of {checkpoint.dtype} needs {count * dtype.itemsize}")
    return np.frombuffer(raw, dtype=dtype).reshape(checkpoint.shape).astype(dtype.newbyteorder("="))


def encode_checkpoint(latent: np.ndarray, step: int, steps: int, model: str) -> dict:
    """A latent as a wire checkpoint, in its own dtype when that is float16/32/64 (else float32)."""
    array = np.asarray(latent)
    name = array.dtype.name if array.dtype.name in DTYPES else "float32"
    data = np.ascontiguousarray(array, dtype=np.dtype(DTYPES[name])).tobytes()
    return {
        "step": step,
        "steps": steps,
        "shape": list(array.shape),
        "dtype": name,
        "data": base64.b64encode(zlib.compress(data, 6)).decode("ascii"),
        "model": model,
    }


def fmix32(value: int) -> int:
    """murmur3's 32-bit finaliser (src/ports/sampler.ts `fmix32`)."""
    value &= 0xFFFFFFFF
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & 0xFFFFFFFF
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & 0xFFFFFFFF
    value ^= value >> 16
    return value


def sampler_step_seed(seed: int, position: int) -> int:
    """Seed of the noise injected at a schedule position: fmix32(seed + 0x9e3779b9·(position + 1)) (src/ports/sampler.ts)."""
    return fmix32((seed + 0x9E3779B9 * (position + 1)) & 0xFFFFFFFF)


def renoise(latent: np.ndarray, alpha_start: float, alpha_from: float, noise: np.ndarray) -> np.ndarray:
    """The forward process from ᾱ_start back to the noisier ᾱ_from (< ᾱ_start), in float64."""
    if not alpha_from < alpha_start:
        raise ValidationError("renoise: goes back to a noisier position only")
    ratio = alpha_from / alpha_start
    return math.sqrt(ratio) * np.asarray(latent, dtype=np.float64) + math.sqrt(1.0 - ratio) * np.asarray(noise, dtype=np.float64)


class SegmentScheduler:
    """Makes a DDIM-family scheduler instance run positions [start, stop) of its schedule inside a stock
    pipeline call, as a context manager that patches the instance (not the class) and restores it:

    - `set_timesteps(n)` sets the whole n-step schedule (so every step's previous timestep is the full
      schedule's) and keeps `timesteps[start:stop]`;
    - `step(...)` runs with η = `eta` and, for η > 0, `variance_noise = step_noise(position)` (the
      pipeline's own generator is dropped: DDIM refuses both), and records `pred_original_sample`, the
      x̂₀ of the last step (what a preview shows).
    """

    def __init__(self, scheduler: Any, start: int, stop: int, eta: float = 0.0, step_noise: Callable[[int], Any] | None = None) -> None:
        self.scheduler = scheduler
        self.start = start
        self.stop = stop
        self.eta = eta
        self.step_noise = step_noise
        self.steps_run = 0
        self.predicted: Any = None
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> "SegmentScheduler":
        inner_set = self.scheduler.set_timesteps
        inner_step = self.scheduler.step

        def set_timesteps(num_inference_steps: int, *args: Any, **kwargs: Any) -> Any:
            result = inner_set(num_inference_steps, *args, **kwargs)
            self.scheduler.timesteps = self.scheduler.timesteps[self.start : self.stop]
            return result

        def step(model_output: Any, timestep: Any, sample: Any, *args: Any, **kwargs: Any) -> Any:
            position = self.start + self.steps_run
            self.steps_run += 1
            kwargs["eta"] = self.eta
            kwargs.pop("generator", None)
            if self.eta > 0:
                if self.step_noise is None:
                    raise ValueError("a stochastic segment needs its step noise")
                kwargs["variance_noise"] = self.step_noise(position)
            output = inner_step(model_output, timestep, sample, *args, **kwargs)
            self.predicted = output[1] if isinstance(output, tuple) else getattr(output, "pred_original_sample", None)
            return output

        for name in ("set_timesteps", "step"):
            self._saved[name] = self.scheduler.__dict__.get(name)
        self.scheduler.set_timesteps = set_timesteps
        self.scheduler.step = step
        return self

    def __exit__(self, *exc: Any) -> None:
        for name, saved in self._saved.items():
            if saved is None:
                self.scheduler.__dict__.pop(name, None)
            else:
                self.scheduler.__dict__[name] = saved


def preview_size(value: Any, path: str, limits: Mapping[str, int]) -> tuple[int, int]:
    """A preview's (width, height): integers within the endpoint's side limits (any multiple: it is a resize)."""
    raw = require_object(value, path)
    width = require_int(raw.get("width"), f"{path}.width", limits["min_side"], limits["max_side"])
    height = require_int(raw.get("height"), f"{path}.height", limits["min_side"], limits["max_side"])
    return width, height


def resize_nearest(images: np.ndarray, width: int, height: int) -> np.ndarray:
    """(B, H, W, C) → (B, height, width, C) by area-centred nearest neighbour (previews need no better)."""
    rows = ((np.arange(height) + 0.5) * images.shape[1] / height).astype(int).clip(0, images.shape[1] - 1)
    columns = ((np.arange(width) + 0.5) * images.shape[2] / width).astype(int).clip(0, images.shape[2] - 1)
    return images[:, rows][:, :, columns]
