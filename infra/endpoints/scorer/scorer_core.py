"""The scorer handler without torch: the `scorer-v1` contract, batching in request order, and each
reward model's scoring convention as numpy maths over the embeddings the torch part computes.

Contract (`src/adapters/sagemaker` holds the TypeScript zod schemas of the same payloads):

request  {"version": "scorer-v1", "model": "pickscore" | "hpsv2" | "imagereward" | "clipscore" | "aesthetic",
          "items": [{"prompt", "image": {"b64", "media_type"} | {"url", "media_type"?}}]}
response {"version": "scorer-v1", "model": <name>, "scores": [number | null, ...],   in request order
          "details"?: [{} | {"abstained": reason}, ...]}                              when any score is null
error    {"version": "scorer-v1", "code", "type", "message"} with HTTP status `code`

A malformed request (bad JSON, unknown model, invalid base64, a non-http(s) URL) is a 400 for the
whole request. An image that cannot be fetched or decoded costs only its own item: its score is
null and its detail says why (the port's abstention, `src/ports/scorer.ts`), so one bad image does not
fail a batch of sixteen.

Scoring conventions — each is what the model's reference code computes (sources in the README):
- pickscore   (yuvalkirstain/PickScore_v1, processor laion/CLIP-ViT-H-14-laion2B-s32B-b79K):
              `logit_scale.exp() * cos(image_embeds, text_embeds)` — the CLIP-H logit scale (≈100)
              times the cosine of the L2-normalised projections, as the PickScore model card computes
              before its softmax; typically ~18–23.
- hpsv2       (xswu/HPSv2 HPS_v2.1_compressed.pt on open_clip ViT-H-14): the plain cosine of the
              normalised image and text features (hpsv2 `img_score.score`: `image_features @
              text_features.T`, diagonal; no logit scale); typically ~0.2–0.35.
- imagereward (THUDM ImageReward-v1.0, BLIP): the MLP head's raw output r on the [CLS] feature of
              the image-conditioned text encoder, normalised as the package does:
              (r − 0.16717362830052426) / 1.0333394966054072; ~N(0, 1) over its training set.
- clipscore   (openai/clip-vit-large-patch14): `max(100 · cos(E_I, E_C), 0)`, the torchmetrics
              CLIPScore convention, range 0..100. Hessel et al. (2021) define CLIP-S = w·max(cos, 0)
              with w = 2.5 for ViT-B/32 captioning; text-to-image papers and torchmetrics report the
              100× form at ViT-L/14, so that is what a number from this endpoint is comparable to.
              The two differ by a constant factor, so rankings are identical either way.
- aesthetic   (LAION improved aesthetic predictor v2, sac+logos+ava1-l14-linearMSE.pth): the MLP
              head (Linear 768→1024→128→64→16→1, dropout only, no activations) on the L2-normalised
              CLIP ViT-L/14 image embedding (`normalized()` of simple_inference.py: zero norms left
              as 1); ~1..10. The prompt is not used.
"""

from __future__ import annotations

import base64
import binascii
import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
for _root in (_HERE, os.path.dirname(_HERE)):
    if os.path.isdir(os.path.join(_root, "common")):
        if _root not in sys.path:
            sys.path.insert(0, _root)
        break

from common.batching import chunks, run_batches  # noqa: E402
from common.errors import HandlerError, InternalError, ModelLoadError, UpstreamError, ValidationError  # noqa: E402
from common.env import positive_env  # noqa: E402
from common.http import http_get, require_url  # noqa: E402
from common.validate import require_list, require_object, require_string  # noqa: E402

VERSION = "scorer-v1"

# ImageReward's normalisation of its MLP output (ImageReward/ImageReward.py, `self.mean`, `self.std`).
IMAGEREWARD_MEAN = 0.16717362830052426
IMAGEREWARD_STD = 1.0333394966054072
# Hessel et al.'s CLIP-S weight, for callers who want that scale: CLIP-S = CLIPSCORE_HESSEL_W / 100 × ours.
CLIPSCORE_HESSEL_W = 2.5
CLIPSCORE_SCALE = 100.0

MODELS = ("pickscore", "hpsv2", "imagereward", "clipscore", "aesthetic")
ALIASES = {
    "pick_score": "pickscore",
    "pickscore_v1": "pickscore",
    "hps": "hpsv2",
    "hps_v2": "hpsv2",
    "image_reward": "imagereward",
    "clip_score": "clipscore",
    "clip": "clipscore",
    "laion_aesthetic": "aesthetic",
    "aesthetic_v2": "aesthetic",
}
# Nominal ranges, for documentation and the models listing (ScorerV1.range).
RANGES = {
    "pickscore": (0.0, 30.0),
    "hpsv2": (0.0, 1.0),
    "imagereward": (-3.0, 3.0),
    "clipscore": (0.0, 100.0),
    "aesthetic": (1.0, 10.0),
}
IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp", "image/tiff")


# ---------------------------------------------------------------------------------------------
# Conventions: numpy maths over embeddings (rows are items).


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows divided by their L2 norm; a zero row stays zero (the LAION predictor's `normalized()`)."""
    array = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(array, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return array / norms


def rowwise_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """cos(aᵢ, bᵢ) per row i (item i's image against item i's own prompt, never a cross product)."""
    left = l2_normalize(a)
    right = l2_normalize(b)
    if left.shape != right.shape:
        raise InternalError(f"embeddings differ in shape: {left.shape} vs {right.shape}")
    return np.sum(left * right, axis=-1)


def pickscore_scores(image_embeds: np.ndarray, text_embeds: np.ndarray, logit_scale: float) -> np.ndarray:
    """`logit_scale.exp() * cos`; `logit_scale` is the model's stored parameter (a log, ≈ ln 100)."""
    return float(np.exp(logit_scale)) * rowwise_cosine(image_embeds, text_embeds)


def hpsv2_scores(image_features: np.ndarray, text_features: np.ndarray) -> np.ndarray:
    return rowwise_cosine(image_features, text_features)


def imagereward_scores(raw_rewards: np.ndarray) -> np.ndarray:
    return (np.asarray(raw_rewards, dtype=np.float64).reshape(-1) - IMAGEREWARD_MEAN) / IMAGEREWARD_STD


def clipscore_scores(image_embeds: np.ndarray, text_embeds: np.ndarray) -> np.ndarray:
    return np.maximum(CLIPSCORE_SCALE * rowwise_cosine(image_embeds, text_embeds), 0.0)


def linear_stack(x: np.ndarray, layers: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """x through Linear layers (W as torch stores it, (out, in)); dropout is the identity at inference."""
    out = np.asarray(x, dtype=np.float64)
    for weight, bias in layers:
        out = out @ np.asarray(weight, dtype=np.float64).T + np.asarray(bias, dtype=np.float64)
    return out


def aesthetic_layers_from_state_dict(state: Mapping[str, np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The Linear layers of the predictor's `nn.Sequential` (`layers.0`, `layers.2`, … `layers.7`),
    in index order, from its state dict as numpy arrays."""
    indices = sorted({int(key.split(".")[1]) for key in state if key.startswith("layers.") and key.endswith(".weight")})
    if not indices:
        raise ModelLoadError("the aesthetic head's state dict has no layers.<n>.weight")
    layers = []
    for index in indices:
        weight = np.asarray(state[f"layers.{index}.weight"], dtype=np.float64)
        bias = np.asarray(state[f"layers.{index}.bias"], dtype=np.float64)
        if layers and weight.shape[1] != layers[-1][0].shape[0]:
            raise ModelLoadError(f"aesthetic head layer {index} takes {weight.shape[1]} inputs after {layers[-1][0].shape[0]} outputs")
        layers.append((weight, bias))
    if layers[-1][0].shape[0] != 1:
        raise ModelLoadError("the aesthetic head must end in one output")
    return layers


def aesthetic_scores(image_embeds: np.ndarray, layers: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    return linear_stack(l2_normalize(image_embeds), layers).reshape(-1)


def letterbox_geometry(width: int, height: int, size: int) -> tuple[int, int, int, int, int, int]:
    """HPSv2's eval resize (`ResizeMaxSize` of its open_clip fork): scale the longest side to `size`,
    then pad to size × size centred with black. Returns (new_w, new_h, left, top, right, bottom)."""
    scale = size / float(max(width, height))
    if scale == 1.0:
        return width, height, 0, 0, 0, 0
    new_h, new_w = (round(dim * scale) for dim in (height, width))
    pad_h, pad_w = size - new_h, size - new_w
    return new_w, new_h, pad_w // 2, pad_h // 2, pad_w - pad_w // 2, pad_h - pad_h // 2


# A backend's featurizer turns (prompts, decoded images) into a dict of numpy arrays; its convention
# turns that dict into one score per row. The torch part supplies featurizers (inference.py).
Features = Mapping[str, Any]
CONVENTIONS: dict[str, Callable[[Features], np.ndarray]] = {
    "pickscore": lambda f: pickscore_scores(f["image_embeds"], f["text_embeds"], f["logit_scale"]),
    "hpsv2": lambda f: hpsv2_scores(f["image_features"], f["text_features"]),
    "imagereward": lambda f: imagereward_scores(f["raw_rewards"]),
    "clipscore": lambda f: clipscore_scores(f["image_embeds"], f["text_embeds"]),
    "aesthetic": lambda f: aesthetic_scores(f["image_embeds"], f["layers"]),
}


@dataclass
class ScoringModel:
    """A loaded reward model: `featurize(prompts, images) -> Features`, scored by its name's convention."""

    name: str
    featurize: Callable[[list[str], list[Any]], Features]

    def score(self, prompts: list[str], images: list[Any]) -> list[float]:
        scores = np.asarray(CONVENTIONS[self.name](self.featurize(prompts, images)), dtype=np.float64).reshape(-1)
        if scores.shape[0] != len(prompts):
            raise InternalError(f"{self.name} gave {scores.shape[0]} scores for {len(prompts)} items")
        if not np.all(np.isfinite(scores)):
            raise InternalError(f"{self.name} produced a non-finite score")
        return [float(score) for score in scores]


# ---------------------------------------------------------------------------------------------
# Requests.


@dataclass(frozen=True)
class ImageRef:
    data: bytes | None = None  # inline bytes
    url: str | None = None
    media_type: str | None = None


@dataclass(frozen=True)
class ScoreItem:
    prompt: str
    image: ImageRef


@dataclass(frozen=True)
class ScoreRequest:
    model: str
    items: tuple[ScoreItem, ...]


@dataclass(frozen=True)
class ScorerLimits:
    batch_size: int = 16  # DIFFALIGN_SCORER_BATCH_SIZE: images per forward pass
    max_items: int = 256  # DIFFALIGN_MAX_ITEMS
    max_prompt_chars: int = 10_000  # DIFFALIGN_MAX_PROMPT_CHARS
    max_image_bytes: int = 20_000_000  # DIFFALIGN_MAX_IMAGE_BYTES, per image (inline or fetched)
    fetch_timeout_seconds: float = 10.0  # DIFFALIGN_FETCH_TIMEOUT_SECONDS

    @staticmethod
    def from_env(environ: Mapping[str, str] | None = None) -> "ScorerLimits":
        env = os.environ if environ is None else environ
        d = ScorerLimits()

        return ScorerLimits(
            batch_size=positive_env(env, "DIFFALIGN_SCORER_BATCH_SIZE", d.batch_size, int),
            max_items=positive_env(env, "DIFFALIGN_MAX_ITEMS", d.max_items, int),
            max_prompt_chars=positive_env(env, "DIFFALIGN_MAX_PROMPT_CHARS", d.max_prompt_chars, int),
            max_image_bytes=positive_env(env, "DIFFALIGN_MAX_IMAGE_BYTES", d.max_image_bytes, int),
            fetch_timeout_seconds=positive_env(env, "DIFFALIGN_FETCH_TIMEOUT_SECONDS", d.fetch_timeout_seconds, float),
        )


def canonical_model(name: Any, enabled: Sequence[str] = MODELS) -> str:
    if not isinstance(name, str):
        raise ValidationError(f"model: must be one of {', '.join(enabled)}, got {name!r}")
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in enabled:
        raise ValidationError(f"model: {name!r} is not served here; this endpoint serves {', '.join(enabled)}")
    return key


def parse_request(body: Any, limits: ScorerLimits = ScorerLimits(), enabled: Sequence[str] = MODELS) -> ScoreRequest:
    request = require_object(body, "")
    version = request.get("version")
    if version != VERSION:
        raise ValidationError(f"version: this endpoint speaks {VERSION!r}, got {version!r}")
    model = canonical_model(request.get("model"), enabled)
    raw_items = require_list(request.get("items"), "items", min_items=1, max_items=limits.max_items)
    items = []
    for index, raw in enumerate(raw_items):
        path = f"items[{index}]"
        item = require_object(raw, path)
        prompt = require_string(item.get("prompt"), f"{path}.prompt", max_length=limits.max_prompt_chars)
        items.append(ScoreItem(prompt=prompt, image=parse_image(item.get("image"), f"{path}.image", limits)))
    return ScoreRequest(model=model, items=tuple(items))


def parse_image(value: Any, path: str, limits: ScorerLimits) -> ImageRef:
    image = require_object(value, path)
    media_type = image.get("media_type")
    if media_type is not None:
        media_type = require_string(media_type, f"{path}.media_type").split(";", 1)[0].strip().lower()
        if media_type not in IMAGE_MEDIA_TYPES:
            raise ValidationError(f"{path}.media_type: must be one of {', '.join(IMAGE_MEDIA_TYPES)}, got {media_type!r}")
    has_b64 = image.get("b64") is not None
    has_url = image.get("url") is not None
    if has_b64 == has_url:
        raise ValidationError(f"{path}: give exactly one of b64 or url")
    if has_url:
        return ImageRef(url=require_url(image.get("url"), f"{path}.url"), media_type=media_type)
    if media_type is None:
        raise ValidationError(f"{path}.media_type: required with b64")
    encoded = require_string(image.get("b64"), f"{path}.b64", allow_empty=False)
    if len(encoded) > limits.max_image_bytes * 4 // 3 + 4:
        raise ValidationError(f"{path}.b64: image is over {limits.max_image_bytes} bytes")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(f"{path}.b64: not valid base64") from None
    return ImageRef(data=data, media_type=media_type)


# ---------------------------------------------------------------------------------------------
# The scorer object model_fn returns.

Fetcher = Callable[[str, int, float], bytes]  # (url, max bytes, timeout) -> body
Decoder = Callable[[bytes, Optional[str]], Any]  # (bytes, media type) -> an image the featurizers take


@dataclass
class Scorer:
    """Reward models by name, each loaded on first use (`loaders[name]()` → ScoringModel)."""

    loaders: Mapping[str, Callable[[], ScoringModel]]
    decode: Decoder
    limits: ScorerLimits = field(default_factory=ScorerLimits)
    fetch: Fetcher = http_get
    _loaded: dict[str, ScoringModel] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def enabled(self) -> tuple[str, ...]:
        return tuple(name for name in MODELS if name in self.loaders)

    def model(self, name: str) -> ScoringModel:
        with self._lock:
            if name not in self._loaded:
                try:
                    self._loaded[name] = self.loaders[name]()
                except HandlerError:
                    raise
                except Exception as error:  # noqa: BLE001 - a 500 that says which model
                    raise ModelLoadError(f"loading {name} failed: {type(error).__name__}: {error}") from error
            return self._loaded[name]

    def parse(self, body: Any) -> ScoreRequest:
        return parse_request(body, self.limits, self.enabled)

    def score(self, request: ScoreRequest) -> dict:
        model = self.model(request.model)
        images: list[Any] = []
        reasons: list[str | None] = []
        for item in request.items:
            image, reason = self.load_image(item.image)
            images.append(image)
            reasons.append(reason)
        ready = [index for index, reason in enumerate(reasons) if reason is None]
        scores: list[float | None] = [None] * len(request.items)
        if ready:
            batches = chunks(len(ready), self.limits.batch_size)
            results = run_batches(
                batches,
                len(ready),
                lambda positions: model.score(
                    [request.items[ready[p]].prompt for p in positions], [images[ready[p]] for p in positions]
                ),
            )
            for index, score in zip(ready, results):
                scores[index] = score
        response: dict[str, Any] = {"version": VERSION, "model": request.model, "scores": scores}
        if any(reason is not None for reason in reasons):
            response["details"] = [{} if reason is None else {"abstained": reason} for reason in reasons]
        return response

    def load_image(self, ref: ImageRef) -> tuple[Any, str | None]:
        """(decoded image, None), or (None, why this item gets no score)."""
        data = ref.data
        if data is None:
            try:
                data = self.fetch(ref.url or "", self.limits.max_image_bytes, self.limits.fetch_timeout_seconds)
            except UpstreamError as error:
                return None, f"image could not be fetched: {error.message}"
        if len(data) > self.limits.max_image_bytes:
            return None, f"image is over {self.limits.max_image_bytes} bytes"
        try:
            return self.decode(data, ref.media_type), None
        except Exception as error:  # noqa: BLE001 - undecodable bytes cost only this item
            return None, f"image could not be decoded: {type(error).__name__}: {error}"


def enabled_models(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """DIFFALIGN_SCORER_MODELS (comma-separated names; default all five)."""
    env = os.environ if environ is None else environ
    raw = env.get("DIFFALIGN_SCORER_MODELS", "")
    if not raw.strip():
        return MODELS
    names = [canonical_model(part) for part in raw.split(",") if part.strip()]
    return tuple(name for name in MODELS if name in names)


def handle(scorer: Scorer, body: Any) -> dict:
    return scorer.score(scorer.parse(body))
