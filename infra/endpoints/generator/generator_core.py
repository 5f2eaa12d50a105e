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

generator-v2 (segments.py has its pure parts and the contract's details): the same items plus
         "from"?, "to"?, "start"?: checkpoint, "renoise"?: recipe, "sampler"?: {"eta", "seed"},
         "return_latents"?, "preview"?: {"width", "height"}
response {"version": "generator-v2", "model", "outputs": [{"b64" | "url", "media_type", "preview",
          "latents"?: {"step", "steps", "shape", "dtype", "data", "model"}, "nfe"}]}: one per item; an
          item that stops before `steps` answers its checkpoint and preview (or neither), one that
          reaches it the final image. NFE = (to − from) × 2 with CFG; previews and re-noising cost none.

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
from dataclasses import dataclass, field, replace
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
import segments  # noqa: E402  (generator-v2's pure parts)
from segments import Checkpoint  # noqa: E402

VERSION = "generator-v1"
VERSION_V2 = "generator-v2"  # v1 plus partial schedules, checkpoints, previews, DDIM(η): see segments.py
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
    # generator-v2 (segments.py): positions [from_step, to_step) of the schedule, from `start` or the noise
    from_step: int = 0
    to_step: int | None = None  # None: steps
    start: Checkpoint | None = None
    renoise: NoiseRecipe | None = None
    eta: float = 0.0
    sampler_seed: int = 0
    return_latents: bool = False
    preview: tuple[int, int] | None = None  # (width, height)

    @property
    def stop(self) -> int:
        return self.steps if self.to_step is None else self.to_step

    @property
    def batch_key(self) -> tuple:
        # a v2 batch shares its positions, η and what it answers; rows may differ in start, noise and seeds
        return (self.width, self.height, self.steps, self.guidance, self.negative_prompt is not None, self.from_step, self.stop, self.eta, self.return_latents, self.preview)


@dataclass(frozen=True)
class GenerateRequest:
    items: tuple[GenerateItem, ...]
    version: str = VERSION


def parse_request(body: Any, limits: GeneratorLimits = GeneratorLimits()) -> GenerateRequest:
    """A decoded JSON body → GenerateRequest, or a ValidationError naming the first bad field."""
    request = require_object(body, "")
    version = request.get("version")
    if version not in (VERSION, VERSION_V2):
        raise ValidationError(f"version: this endpoint speaks {VERSION!r} and {VERSION_V2!r}, got {version!r}")
    raw_items = require_list(request.get("items"), "items", min_items=1, max_items=limits.max_items)
    parse = parse_item if version == VERSION else parse_item_v2
    return GenerateRequest(items=tuple(parse(raw, f"items[{index}]", limits) for index, raw in enumerate(raw_items)), version=version)


def parse_item_v2(raw: Any, path: str, limits: GeneratorLimits) -> GenerateItem:
    """A generator-v2 item: a v1 item plus its segment of the schedule (segments.py)."""
    base = parse_item(raw, path, limits)
    item = require_object(raw, path)
    start = segments.parse_checkpoint(item["start"], f"{path}.start") if item.get("start") is not None else None
    to_step = require_int(item.get("to", base.steps), f"{path}.to", 1, base.steps)
    from_step = require_int(item.get("from", start.step if start else 0), f"{path}.from", 0, to_step - 1)
    renoise = parse_recipe(item["renoise"], f"{path}.renoise") if item.get("renoise") is not None else None
    if start is None:
        if from_step != 0:
            raise ValidationError(f"{path}.from: without a checkpoint a trajectory starts at 0, got {from_step}")
        if renoise is not None:
            raise ValidationError(f"{path}.renoise: re-noising needs a checkpoint (start)")
    else:
        if start.steps != base.steps:
            raise ValidationError(f"{path}.start.steps: a checkpoint of a {start.steps}-step schedule cannot resume a {base.steps}-step one")
        if renoise is None and from_step != start.step:
            raise ValidationError(f"{path}.from: a checkpoint at step {start.step} resumes from it, got {from_step}")
        if renoise is not None and from_step >= start.step:
            raise ValidationError(f"{path}.from: re-noising goes back before the checkpoint's step {start.step}, got {from_step}")
    eta, seed = 0.0, 0
    if item.get("sampler") is not None:
        sampler = require_object(item["sampler"], f"{path}.sampler")
        eta = require_number(sampler.get("eta"), f"{path}.sampler.eta", 0.0, 1.0)
        seed = require_int(sampler.get("seed"), f"{path}.sampler.seed", 0, 0xFFFFFFFF)
    return_latents = item.get("return_latents", False)
    if not isinstance(return_latents, bool):
        raise ValidationError(f"{path}.return_latents: must be a boolean")
    preview = None
    if item.get("preview") is not None:
        preview = segments.preview_size(item["preview"], f"{path}.preview", {"min_side": limits.min_side, "max_side": limits.max_side})
    stopping = to_step < base.steps
    return replace(
        base,
        from_step=from_step,
        to_step=to_step,
        start=start,
        renoise=renoise,
        eta=eta,
        sampler_seed=seed,
        return_latents=return_latents and stopping,
        preview=preview if stopping else None,
    )


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
    """What the torch part provides (see inference.py `DiffusersRunner`; tests inject a fake).

    generator-v2 also needs `alpha_bar(steps, position)` (ᾱ of a schedule position, for re-noising) and
    `run_segment(batch: SegmentBatch) -> SegmentOutput`; a runner without them answers v2 with 400."""

    def latent_shape(self, width: int, height: int) -> tuple[int, ...]: ...

    def draw_noise(self, seed: int, shape: tuple[int, ...]) -> np.ndarray: ...

    def run(self, batch: PipelineBatch) -> PipelineOutput: ...


@dataclass
class SegmentBatch(PipelineBatch):
    """One generator-v2 pipeline call: positions [start_step, stop_step) of a `steps`-step DDIM(η) schedule.

    `latents` are each row's latent at start_step (the recipe's unit noise at 0; a checkpoint, re-noised
    when asked, later); `step_noise[i]` is the (B, C, h, w) float32 noise injected at position
    start_step + i when eta > 0 (row r's from its sampler seed)."""

    start_step: int = 0
    stop_step: int = 0
    eta: float = 0.0
    step_noise: np.ndarray | None = None
    want_latents: bool = False
    preview: tuple[int, int] | None = None


@dataclass
class SegmentOutput:
    images: np.ndarray | None = None  # (B, H, W, 3) final images when stop_step == steps
    latents: np.ndarray | None = None  # (B, C, h, w) at stop_step, in the pipeline's dtype, when asked
    previews: np.ndarray | None = None  # (B, h', w', 3) x̂₀ of the last step, when asked
    nsfw: Sequence[bool] | None = None


Uploader = Callable[[str, bytes, str], None]  # (put_url, body, content type)


@dataclass
class Generator:
    """The model object `model_fn` returns: a pipeline runner plus the contract around it."""

    model_id: str
    runner: PipelineRunner
    limits: GeneratorLimits = field(default_factory=GeneratorLimits)
    uploader: Uploader | None = None

    def parse(self, body: Any) -> GenerateRequest:
        request = parse_request(body, self.limits)
        for index, item in enumerate(request.items):
            if item.start is not None and item.start.model is not None and item.start.model != self.model_id:
                raise ValidationError(f"items[{index}].start.model: a checkpoint of {item.start.model!r} cannot resume on {self.model_id!r}")
        return request

    def generate(self, request: GenerateRequest) -> dict:
        if request.version == VERSION_V2:
            return self.generate_v2(request)
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

    def generate_v2(self, request: GenerateRequest) -> dict:
        """A generator-v2 request: one output per item, in order (final image, or checkpoint and preview)."""
        if not hasattr(self.runner, "run_segment") or not hasattr(self.runner, "alpha_bar"):
            raise ValidationError(f"version: this endpoint's pipeline cannot run {VERSION_V2!r} segments")
        items = request.items
        batches = group_in_order([item.batch_key for item in items], self.limits.max_batch_size)
        for indices in batches:
            first = items[indices[0]]
            shape = tuple(self.runner.latent_shape(first.width, first.height))
            for index in indices:
                start = items[index].start
                if start is not None and tuple(start.shape) != shape:
                    raise ValidationError(f"items[{index}].start.shape: {list(start.shape)} is not this model's latent {list(shape)} at {first.width}x{first.height}")
        warnings: list[tuple[int, dict]] = []

        def run(indices: Sequence[int]) -> list[dict]:
            outputs, flagged = self._run_segment([items[i] for i in indices])
            for index, blanked in zip(indices, flagged):
                if blanked:
                    warnings.append((index, {"type": "other", "message": f"items[{index}]: the safety checker replaced the image with a black one"}))
            return outputs

        outputs = run_batches(batches, len(items), run)
        response: dict[str, Any] = {"version": VERSION_V2, "model": self.model_id, "outputs": outputs}
        if warnings:
            response["warnings"] = [warning for _, warning in sorted(warnings, key=lambda entry: entry[0])]
        inline_bytes = sum(len(output.get("b64", "")) + len(output.get("latents", {}).get("data", "")) for output in outputs)
        if inline_bytes > self.limits.max_response_bytes:
            raise PayloadTooLarge(
                f"{inline_bytes} bytes of inline images and checkpoints exceed the {self.limits.max_response_bytes}-byte response limit;"
                " send fewer items per request"
            )
        return response

    def build_segment_batch(self, items: Sequence[GenerateItem]) -> SegmentBatch:
        """The rows' latents at the segment's start (noise, checkpoint, or re-noised checkpoint) and their step noise."""
        first = items[0]
        shape = tuple(self.runner.latent_shape(first.width, first.height))
        cache: dict[int, np.ndarray] = {}

        def draw(seed: int) -> np.ndarray:
            tensor = np.asarray(self.runner.draw_noise(seed, shape))
            if tensor.shape != shape:
                raise InternalError(f"ε({seed}) has shape {tensor.shape}, expected {shape}")
            return tensor

        rows = []
        for index, item in enumerate(items):
            if item.start is None:
                rows.append(realize_recipe(item.noise, draw, cache).astype(np.float32))
                continue
            latent = segments.decode_checkpoint(item.start, f"items[{index}].start")
            if item.renoise is not None:
                alpha_start = self.runner.alpha_bar(item.steps, item.start.step)
                alpha_from = self.runner.alpha_bar(item.steps, item.from_step)
                latent = segments.renoise(latent, alpha_start, alpha_from, realize_recipe(item.renoise, draw, cache)).astype(np.float32)
            rows.append(latent)
        step_noise = None
        if first.eta > 0:
            step_noise = np.stack(
                [np.stack([draw(segments.sampler_step_seed(item.sampler_seed, position)).astype(np.float32) for item in items]) for position in range(first.from_step, first.stop)]
            )
        has_negative = first.negative_prompt is not None
        return SegmentBatch(
            prompts=[item.prompt for item in items],
            negative_prompts=[item.negative_prompt or "" for item in items] if has_negative else None,
            steps=first.steps,
            guidance=first.guidance,
            width=first.width,
            height=first.height,
            latents=np.stack(rows),
            start_step=first.from_step,
            stop_step=first.stop,
            eta=first.eta,
            step_noise=step_noise,
            want_latents=first.return_latents,
            preview=first.preview,
        )

    def _run_segment(self, items: Sequence[GenerateItem]) -> tuple[list[dict], list[bool]]:
        batch = self.build_segment_batch(items)
        output = self.runner.run_segment(batch)
        spent = (batch.stop_step - batch.start_step) * (2 if uses_guidance(batch.guidance) else 1)
        final = batch.stop_step >= batch.steps
        flagged = [bool(flag) for flag in output.nsfw] if output.nsfw is not None and len(output.nsfw) == len(items) else [False] * len(items)
        answers: list[dict] = []
        pictures = output.images if final else output.previews
        if (final or batch.preview is not None) and pictures is None:
            raise InternalError("the pipeline returned no images for a segment that needs them")
        if batch.want_latents and output.latents is None:
            raise InternalError("the pipeline returned no latents for a segment that asked for them")
        pixels = None
        if pictures is not None:
            pixels = np.asarray(pictures)
            if pixels.dtype != np.uint8:
                pixels = png.float_to_uint8(pixels)
            size = (items[0].height, items[0].width) if final else (batch.preview[1], batch.preview[0])  # type: ignore[index]
            if pixels.ndim != 4 or pixels.shape[:3] != (len(items), *size):
                raise InternalError(f"the pipeline returned images of shape {pixels.shape}, expected {(len(items), *size)} + (channels,)")
        for row, item in enumerate(items):
            if final:
                answer = self.deliver(item, png.encode_png(pixels[row]), spent)  # type: ignore[index]
                answer["preview"] = False
            else:
                answer = {"preview": True, "nfe": spent}
                if pixels is not None:
                    answer.update({"b64": base64.b64encode(png.encode_png(pixels[row])).decode("ascii"), "media_type": png.MEDIA_TYPE})
                if batch.want_latents:
                    answer["latents"] = segments.encode_checkpoint(np.asarray(output.latents)[row], batch.stop_step, batch.steps, self.model_id)
            answers.append(answer)
        return answers, flagged

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
    "VERSION_V2",
    "SegmentBatch",
    "SegmentOutput",
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
