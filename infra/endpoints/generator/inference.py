"""diffalign generator handler for the Hugging Face PyTorch inference container (SageMaker DLC).

Package as model.tar.gz with code/inference.py, code/generator_core.py, code/common/ and
code/requirements.txt (see ../README.md or `python3 infra/endpoints/package.py generator`).

The hooks (`model_fn`, `input_fn`, `predict_fn`, `output_fn`) are the toolkit's; `predict_fn` is our
own because the toolkit's stock text-to-image task makes one image per call and knows nothing of
noise recipes. Everything but the diffusers calls lives in generator_core.py and common/ and is
tested without torch; torch and diffusers are imported only inside `model_fn` and `DiffusersRunner`.

Environment (all optional):
  DIFFALIGN_GENERATOR_MODEL     hub id or path of a diffusers text-to-image pipeline; default: the
                                model directory when it holds model_index.json, else HF_MODEL_ID
  DIFFALIGN_GENERATOR_MODEL_ID  the id answered as "model" (default: the hub id, or local/<dir name>)
  DIFFALIGN_GENERATOR_DTYPE     float16 | bfloat16 | float32 (default float16 on CUDA, float32 on CPU)
  DIFFALIGN_GENERATOR_VARIANT   weights variant to load, e.g. fp16
  DIFFALIGN_GENERATOR_SCHEDULER a diffusers scheduler class name to swap in, e.g. DDIMScheduler
  DIFFALIGN_SAFETY_CHECKER      on | off (default on: the pipeline's own checker stays)
  DIFFALIGN_MAX_BATCH_SIZE, DIFFALIGN_MAX_ITEMS, DIFFALIGN_MAX_STEPS, DIFFALIGN_MAX_GUIDANCE,
  DIFFALIGN_MIN_SIDE, DIFFALIGN_MAX_SIDE, DIFFALIGN_SIDE_MULTIPLE, DIFFALIGN_MAX_PROMPT_CHARS,
  DIFFALIGN_MAX_RESPONSE_BYTES, DIFFALIGN_PUT_TIMEOUT_SECONDS   see generator_core.GeneratorLimits
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import numpy as np  # noqa: E402

import generator_core as core  # noqa: E402  (also puts common/ on sys.path)
from common import toolkit  # noqa: E402
from common.errors import ModelLoadError  # noqa: E402

logger = logging.getLogger("diffalign.generator")


class DiffusersRunner:
    """`core.PipelineRunner` over a diffusers text-to-image pipeline (SD 1.x/2.x, SDXL and alike)."""

    def __init__(self, pipe: Any) -> None:
        import torch  # noqa: F401 - lazily: the module must import without torch

        self.pipe = pipe
        self.scale = int(getattr(pipe, "vae_scale_factor", 8))
        self.channels = int(pipe.unet.config.in_channels)

    def latent_shape(self, width: int, height: int) -> tuple[int, ...]:
        if width % self.scale or height % self.scale:
            raise core.ValidationError(f"width and height must be multiples of {self.scale} for this model")
        return (self.channels, height // self.scale, width // self.scale)

    def draw_noise(self, seed: int, shape: tuple[int, ...]) -> np.ndarray:
        import torch

        generator = torch.Generator(device="cpu").manual_seed(int(seed))
        # (1, C, h, w): the draw a float32 pipeline makes for this CPU generator at batch size 1.
        return torch.randn((1, *shape), generator=generator, dtype=torch.float32)[0].numpy()

    def run(self, batch: core.PipelineBatch) -> core.PipelineOutput:
        import torch

        latents = torch.from_numpy(np.ascontiguousarray(batch.latents)).to(device=self.pipe.device, dtype=self.pipe.dtype)
        with torch.inference_mode():
            output = self.pipe(
                prompt=batch.prompts,
                negative_prompt=batch.negative_prompts,
                num_inference_steps=batch.steps,
                guidance_scale=batch.guidance,
                width=batch.width,
                height=batch.height,
                latents=latents,
                output_type="np",
            )
        flagged = getattr(output, "nsfw_content_detected", None)
        if flagged and any(flagged):
            logger.warning("safety checker blanked %d of %d images", sum(bool(f) for f in flagged), len(flagged))
        timesteps = getattr(self.pipe, "num_timesteps", None)
        return core.PipelineOutput(
            images=np.asarray(output.images),
            timesteps_run=int(timesteps) if timesteps else None,
            nsfw=list(flagged) if flagged is not None else None,
        )


def _model_source(model_dir: str | None) -> tuple[str, str]:
    """(what to load, the id to answer with)."""
    configured = os.environ.get("DIFFALIGN_GENERATOR_MODEL")
    if configured:
        source = configured
    elif model_dir and os.path.isfile(os.path.join(model_dir, "model_index.json")):
        source = model_dir
    elif os.environ.get("HF_MODEL_ID"):
        source = os.environ["HF_MODEL_ID"]
    else:
        raise ModelLoadError(
            "no pipeline to load: set DIFFALIGN_GENERATOR_MODEL (hub id or path), or ship a diffusers"
            " pipeline (model_index.json) in model.tar.gz"
        )
    model_id = os.environ.get("DIFFALIGN_GENERATOR_MODEL_ID") or (
        f"local/{os.path.basename(os.path.normpath(source))}" if os.path.isdir(source) else source
    )
    return source, model_id


def model_fn(model_dir: str, context: Any = None) -> core.Generator:
    import torch
    import diffusers

    source, model_id = _model_source(model_dir)
    cuda = torch.cuda.is_available()
    dtype_name = os.environ.get("DIFFALIGN_GENERATOR_DTYPE") or ("float16" if cuda else "float32")
    if dtype_name not in ("float16", "bfloat16", "float32"):
        raise ModelLoadError(f"DIFFALIGN_GENERATOR_DTYPE={dtype_name!r}: use float16, bfloat16 or float32")
    options: dict[str, Any] = {"torch_dtype": getattr(torch, dtype_name)}
    if os.environ.get("DIFFALIGN_GENERATOR_VARIANT"):
        options["variant"] = os.environ["DIFFALIGN_GENERATOR_VARIANT"]
    pipe = diffusers.AutoPipelineForText2Image.from_pretrained(source, **options)
    scheduler_name = os.environ.get("DIFFALIGN_GENERATOR_SCHEDULER")
    if scheduler_name:
        scheduler_class = getattr(diffusers, scheduler_name, None)
        if scheduler_class is None:
            raise ModelLoadError(f"DIFFALIGN_GENERATOR_SCHEDULER={scheduler_name!r} is not a diffusers class")
        pipe.scheduler = scheduler_class.from_config(pipe.scheduler.config)
    if os.environ.get("DIFFALIGN_SAFETY_CHECKER", "on").lower() in ("off", "0", "false", "no") and hasattr(pipe, "safety_checker"):
        pipe.safety_checker = None
    if cuda:
        pipe = pipe.to("cuda")
    pipe.set_progress_bar_config(disable=True)
    limits = core.GeneratorLimits.from_env()
    logger.info("generator %s loaded from %s (%s, batch %d)", model_id, source, dtype_name, limits.max_batch_size)
    return core.Generator(model_id=model_id, runner=DiffusersRunner(pipe), limits=limits)


def input_fn(input_data: Any, content_type: str, context: Any = None) -> Any:
    """The decoded JSON body, or the HandlerError to answer with (see common/toolkit.py)."""
    return toolkit.capture(toolkit.decode_json_body, input_data, content_type)


def predict_fn(data: Any, model: core.Generator, context: Any = None) -> Any:
    """Validate against the model's limits, then generate; failures become HandlerError values."""
    if isinstance(data, core.HandlerError):
        return data
    return toolkit.capture(lambda: model.generate(model.parse(data)))


def output_fn(prediction: Any, accept: str, context: Any = None) -> str:
    return toolkit.render(core.VERSION, prediction, accept, context)
