"""The generator handler without torch: the `generator-v1` contract, batching, noise recipes, NFE
accounting and image delivery. `inference.py` plugs a diffusers pipeline in through `PipelineRunner`.

Contract (`src/adapters/sagemaker` holds the TypeScript zod schemas of the same payloads):

request  {"version": "generator-v1",
          "items": [{"prompt", "negative_prompt"?, "noise": {"terms": [{"seed", "weight"}]},
                     "steps", "guidance", "width", "height", "format": "png",
                     "output"?: {"put_url", "url"?}}]}
response {"version": "generator-v1", "model": <model id>,
          "images": [{"b64" | "url", "media_type": "image/png", "nfe"}],   one per item, in order
          "warnings"?: [{"type": "other", "message"}]}
error    {"version": "generator-v1", "code", "type", "message"} with HTTP status `code`

Conventions:
- ε(seed) is the standard-normal tensor of the latent's shape (C, H/f, W/f) drawn in float32 by a
  CPU `torch.Generator().manual_seed(seed)` — the same on every GPU, and the tensor a float32
  diffusers pipeline draws itself for `generator=torch.Generator("cpu").manual_seed(seed)` at batch
  size 1. A recipe's latent is `common.noise.realize_recipe` (float64, rounded once to float32) and is
  passed as `latents=`; diffusers multiplies it by `scheduler.init_noise_sigma` itself
  (`prepare_latents`), so the recipe stays the unit-variance noise of the contract.
- Items that share (width, height, steps, guidance, has a negative prompt) run as one pipeline call of
  at most `max_batch_size` images. The negative prompt's presence is part of the key because SDXL
  treats `negative_prompt=None` (zeroed embeddings) differently from "" and a batch passes one or
  the other for all its rows.
- NFE = denoiser evaluations per image: the timesteps the pipeline actually ran (`steps` for DDIM,
  Euler, DPM-Solver; steps + 1 for PNDM's PLMS warm-up) times 2 when classifier-free guidance is on
  (guidance > 1, diffusers' `do_classifier_free_guidance`), else times 1.
- An image goes back inline (base64 PNG) or, when the item carries `output.put_url`, is PUT there
  with `Content-Type: image/png` and answered as `output.url` when given, else as the put URL
  without its query (the signature).
- When the pipeline's safety checker blanks an image, the image still comes back (black, as
  diffusers returns it) and a warning names the item.
"""

from __future__ import annotations

import base64
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
for _root in (_HERE, os.path.dirname(_HERE)):
    if os.path.isdir(os.path.join(_root, "common")):
        if _root not in sys.path:
            sys.path.insert(0, _root)
        break

from common import png  # noqa: E402
from common.batching import group_in_order, run_batches  # noqa: E402
from common.errors import HandlerError, InternalError, PayloadTooLarge, ValidationError  # noqa: E402
from common.env import positive_env  # noqa: E402
from common.http import http_put, require_url, without_query  # noqa: E402
from common.noise import NoiseRecipe, parse_recipe, realize_recipe  # noqa: E402
from common.validate import (  # noqa: E402
    optional_string,
    require_int,
    require_list,
    require_literal,
    require_number,
    require_object,
    require_string,
)

VERSION = "generator-v1"
FORMATS = ("png",)


@dataclass(frozen=True)
class GeneratorLimits:
    """What one request may ask for; every limit can be changed by an environment variable."""

    max_batch_size: int = 4  # DIFFALIGN_MAX_BATCH_SIZE: images per pipeline call
    max_items: int = 64  # DIFFALIGN_MAX_ITEMS: items per request
    max_steps: int = 200  # DIFFALIGN_MAX_STEPS
    max_guidance: float = 100.0  # DIFFALIGN_MAX_GUIDANCE
    min_side: int = 64  # DIFFALIGN_MIN_SIDE
    max_side: int = 2048  # DIFFALIGN_MAX_SIDE
    side_multiple: int = 8  # DIFFALIGN_SIDE_MULTIPLE (the VAE's downscale factor)
    max_prompt_chars: int = 10_000  # DIFFALIGN_MAX_PROMPT_CHARS
    max_response_bytes: int = 6_000_000  # DIFFALIGN_MAX_RESPONSE_BYTES: SageMaker's sync limit is 6 MB
    put_timeout_seconds: float = 20.0  # DIFFALIGN_PUT_TIMEOUT_SECONDS

    @staticmethod
    def from_env(environ: Mapping[str, str] | None = None) -> "GeneratorLimits":
        env = os.environ if environ is None else environ
        defaults = GeneratorLimits()

        return GeneratorLimits(
            max_batch_size=positive_env(env, "DIFFALIGN_MAX_BATCH_SIZE", defaults.max_batch_size, int),
            max_items=positive_env(env, "DIFFALIGN_MAX_ITEMS", defaults.max_items, int),
            max_steps=positive_env(env, "DIFFALIGN_MAX_STEPS", defaults.max_steps, int),
            max_guidance=positive_env(env, "DIFFALIGN_MAX_GUIDANCE", defaults.max_guidance, float),
            min_side=positive_env(env, "DIFFALIGN_MIN_SIDE", defaults.min_side, int),
            max_side=positive_env(env, "DIFFALIGN_MAX_SIDE", defaults.max_side, int),
            side_multiple=positive_env(env, "DIFFALIGN_SIDE_MULTIPLE", defaults.side_multiple, int),
            max_prompt_chars=positive_env(env, "DIFFALIGN_MAX_PROMPT_CHARS", defaults.max_prompt_chars, int),
            max_response_bytes=positive_env(env, "DIFFALIGN_MAX_RESPONSE_BYTES", defaults.max_response_bytes, int),
            put_timeout_seconds=positive_env(env, "DIFFALIGN_PUT_TIMEOUT_SECONDS", defaults.put_timeout_seconds, float),
        )


@dataclass(frozen=True)
class GenerateItem:
    prompt: str
    negative_prompt: str | None
    noise: NoiseRecipe
    steps: int
    guidance: float
    width: int
    height: int
    format: str = "png"
    put_url: str | None = None
    answer_url: str | None = None  # output.url: the URL to answer instead of put_url without its query

    @property
    def batch_key(self) -> tuple:
        return (self.width, self.height, self.steps, self.guidance, self.negative_prompt is not None)


@dataclass(frozen=True)
class GenerateRequest:
    items: tuple[GenerateItem, ...]


def parse_request(body: Any, limits: GeneratorLimits = GeneratorLimits()) -> GenerateRequest:
    """A decoded JSON body → GenerateRequest, or a ValidationError naming the first bad field."""
    request = require_object(body, "")
    version = request.get("version")
    if version != VERSION:
        raise ValidationError(f"version: this endpoint speaks {VERSION!r}, got {version!r}")
    raw_items = require_list(request.get("items"), "items", min_items=1, max_items=limits.max_items)
    return GenerateRequest(items=tuple(parse_item(raw, f"items[{index}]", limits) for index, raw in enumerate(raw_items)))


def parse_item(raw: Any, path: str, limits: GeneratorLimits) -> GenerateItem:
    item = require_object(raw, path)
    prompt = require_string(item.get("prompt"), f"{path}.prompt", max_length=limits.max_prompt_chars)
    negative_prompt = optional_string(item, "negative_prompt", f"{path}.negative_prompt", max_length=limits.max_prompt_chars)
    noise = parse_recipe(item.get("noise"), f"{path}.noise")
    steps = require_int(item.get("steps"), f"{path}.steps", 1, limits.max_steps)
    guidance = require_number(item.get("guidance"), f"{path}.guidance", 0.0, limits.max_guidance)
    width = _side(item.get("width"), f"{path}.width", limits)
    height = _side(item.get("height"), f"{path}.height", limits)
    image_format = require_literal(item.get("format", "png"), f"{path}.format", FORMATS)
    put_url = answer_url = None
    if item.get("output") is not None:
        output = require_object(item.get("output"), f"{path}.output")
        put_url = require_url(output.get("put_url"), f"{path}.output.put_url")
        if output.get("url") is not None:
            answer_url = require_url(output.get("url"), f"{path}.output.url")
    return GenerateItem(
        prompt=prompt,
        negative_prompt=negative_prompt,
        noise=noise,
        steps=steps,
        guidance=guidance,
        width=width,
        height=height,
        format=image_format,
        put_url=put_url,
        answer_url=answer_url,
    )


def _side(value: Any, path: str, limits: GeneratorLimits) -> int:
    side = require_int(value, path, limits.min_side, limits.max_side)
    if side % limits.side_multiple != 0:
        raise ValidationError(f"{path}: must be a multiple of {limits.side_multiple}, got {side}")
    return side


def uses_guidance(guidance: float) -> bool:
    """diffusers runs classifier-free guidance (two denoiser evaluations per step) iff guidance > 1."""
    return guidance > 1.0


def nfe(steps: int, guidance: float, timesteps_run: int | None = None) -> int:
    """Denoiser evaluations per image: timesteps run (default `steps`) × 2 with CFG, × 1 without."""
    evaluations = timesteps_run if timesteps_run is not None and timesteps_run > 0 else steps
    return evaluations * (2 if uses_guidance(guidance) else 1)


@dataclass
class PipelineBatch:
    """One pipeline call: every row shares size, steps and guidance."""

    prompts: list[str]
    negative_prompts: list[str] | None  # None: no row has one (the pipeline's own default)
    steps: int
    guidance: float
    width: int
    height: int
    latents: np.ndarray  # float32 (B, C, H/f, W/f), unit variance (before init_noise_sigma)


@dataclass
class PipelineOutput:
    images: np.ndarray  # (B, H, W, 3): uint8, or floats in [0, 1]
    timesteps_run: int | None = None  # denoiser steps the pipeline ran, when it reports them
    nsfw: Sequence[bool] | None = None  # per row: the safety checker blanked this image


class PipelineRunner(Protocol):
    """What the torch part provides (see inference.py `DiffusersRunner`; tests inject a fake)."""

    def latent_shape(self, width: int, height: int) -> tuple[int, ...]: ...

    def draw_noise(self, seed: int, shape: tuple[int, ...]) -> np.ndarray: ...

    def run(self, batch: PipelineBatch) -> PipelineOutput: ...


Uploader = Callable[[str, bytes, str], None]  # (put_url, body, content type)


@dataclass
class Generator:
    """The model object `model_fn` returns: a pipeline runner plus the contract around it."""

    model_id: str
    runner: PipelineRunner
    limits: GeneratorLimits = field(default_factory=GeneratorLimits)
    uploader: Uploader | None = None

    def parse(self, body: Any) -> GenerateRequest:
        return parse_request(body, self.limits)

    def generate(self, request: GenerateRequest) -> dict:
        items = request.items
        batches = group_in_order([item.batch_key for item in items], self.limits.max_batch_size)
        for indices in batches:  # reject sizes the model cannot take before any GPU work
            self.runner.latent_shape(items[indices[0]].width, items[indices[0]].height)
        warnings: list[tuple[int, dict]] = []

        def run(indices: Sequence[int]) -> list[dict]:
            images, flagged = self._run_batch([items[i] for i in indices])
            for index, blanked in zip(indices, flagged):
                if blanked:
                    warnings.append((index, {"type": "other", "message": f"items[{index}]: the safety checker replaced the image with a black one"}))
            return images

        images = run_batches(batches, len(items), run)
        response: dict[str, Any] = {"version": VERSION, "model": self.model_id, "images": images}
        if warnings:
            response["warnings"] = [warning for _, warning in sorted(warnings, key=lambda entry: entry[0])]
        inline_bytes = sum(len(image.get("b64", "")) for image in images)
        if inline_bytes > self.limits.max_response_bytes:
            raise PayloadTooLarge(
                f"{inline_bytes} bytes of inline images exceed the {self.limits.max_response_bytes}-byte response limit;"
                " send fewer items per request or give each item an output.put_url"
            )
        return response

    def build_batch(self, items: Sequence[GenerateItem]) -> PipelineBatch:
        first = items[0]
        shape = tuple(self.runner.latent_shape(first.width, first.height))
        cache: dict[int, np.ndarray] = {}

        def draw(seed: int) -> np.ndarray:
            tensor = np.asarray(self.runner.draw_noise(seed, shape))
            if tensor.shape != shape:
                raise InternalError(f"ε({seed}) has shape {tensor.shape}, expected {shape}")
            return tensor

        latents = np.stack([realize_recipe(item.noise, draw, cache) for item in items]).astype(np.float32)
        has_negative = first.negative_prompt is not None
        return PipelineBatch(
            prompts=[item.prompt for item in items],
            negative_prompts=[item.negative_prompt or "" for item in items] if has_negative else None,
            steps=first.steps,
            guidance=first.guidance,
            width=first.width,
            height=first.height,
            latents=latents,
        )

    def _run_batch(self, items: Sequence[GenerateItem]) -> tuple[list[dict], list[bool]]:
        batch = self.build_batch(items)
        output = self.runner.run(batch)
        pixels = np.asarray(output.images)
        if pixels.dtype != np.uint8:
            pixels = png.float_to_uint8(pixels)
        expected = (len(items), items[0].height, items[0].width)
        if pixels.ndim != 4 or pixels.shape[:3] != expected:
            raise InternalError(f"the pipeline returned images of shape {pixels.shape}, expected {expected} + (channels,)")
        spent = nfe(batch.steps, batch.guidance, output.timesteps_run)
        flagged = [bool(flag) for flag in output.nsfw] if output.nsfw is not None else [False] * len(items)
        if len(flagged) != len(items):
            flagged = [False] * len(items)
        return [self.deliver(item, png.encode_png(image), spent) for item, image in zip(items, pixels)], flagged

    def deliver(self, item: GenerateItem, body: bytes, spent: int) -> dict:
        if item.put_url is None:
            return {"b64": base64.b64encode(body).decode("ascii"), "media_type": png.MEDIA_TYPE, "nfe": spent}
        upload = self.uploader or (lambda url, data, kind: http_put(url, data, kind, timeout=self.limits.put_timeout_seconds))
        upload(item.put_url, body, png.MEDIA_TYPE)
        return {"url": item.answer_url or without_query(item.put_url), "media_type": png.MEDIA_TYPE, "nfe": spent}


def handle(generator: Generator, body: Any) -> dict:
    """parse + generate (the whole request, for tests and local runs)."""
    return generator.generate(generator.parse(body))


__all__ = [
    "VERSION",
    "GenerateItem",
    "GenerateRequest",
    "Generator",
    "GeneratorLimits",
    "HandlerError",
    "PipelineBatch",
    "PipelineOutput",
    "PipelineRunner",
    "handle",
    "nfe",
    "parse_request",
    "uses_guidance",
]
