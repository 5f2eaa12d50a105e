"""diffalign scorer handler for the Hugging Face PyTorch inference container (SageMaker DLC).

Serves PickScore, HPSv2, ImageReward, CLIPScore and the LAION aesthetic predictor behind one
`scorer-v1` endpoint; each request names one model. Models load lazily, on the first request that
names them (or at start-up, for those in DIFFALIGN_SCORER_PRELOAD). Package as model.tar.gz with
code/inference.py, code/scorer_core.py, code/common/ and code/requirements.txt
(`python3 infra/endpoints/package.py scorer`).

Everything but the forward passes lives in scorer_core.py (the conventions, as numpy maths over the
embeddings computed here) and is tested without torch; torch, transformers, open_clip and
ImageReward are imported only inside the loaders below.

Environment (all optional):
  DIFFALIGN_SCORER_MODELS         comma-separated models to serve (default all five)
  DIFFALIGN_SCORER_PRELOAD        models to load in model_fn instead of on first use
  DIFFALIGN_SCORER_DTYPE          float32 | float16 | bfloat16 for the encoders (default float32)
  DIFFALIGN_SCORER_BATCH_SIZE, DIFFALIGN_MAX_ITEMS, DIFFALIGN_MAX_PROMPT_CHARS,
  DIFFALIGN_MAX_IMAGE_BYTES, DIFFALIGN_FETCH_TIMEOUT_SECONDS        see scorer_core.ScorerLimits
  DIFFALIGN_PICKSCORE_MODEL       default yuvalkirstain/PickScore_v1
  DIFFALIGN_PICKSCORE_PROCESSOR   default laion/CLIP-ViT-H-14-laion2B-s32B-b79K
  DIFFALIGN_CLIPSCORE_MODEL       default openai/clip-vit-large-patch14
  DIFFALIGN_AESTHETIC_CLIP_MODEL  default openai/clip-vit-large-patch14
  DIFFALIGN_AESTHETIC_HEAD        path of sac+logos+ava1-l14-linearMSE.pth (default: <model_dir>/aesthetic/
                                  that file if present, else downloaded from the predictor's GitHub repo)
  DIFFALIGN_HPSV2_VERSION         v2.1 (default) or v2.0
  DIFFALIGN_HPSV2_CHECKPOINT      path of the HPS checkpoint (default: downloaded from the xswu/HPSv2 hub repo)
  DIFFALIGN_IMAGEREWARD_MODEL     ImageReward-v1.0 (default) or a checkpoint path
"""

from __future__ import annotations

import io
import logging
import os
import sys
from typing import Any, Callable

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import numpy as np  # noqa: E402

import scorer_core as core  # noqa: E402  (also puts common/ on sys.path)
from common import toolkit  # noqa: E402
from common.errors import ModelLoadError  # noqa: E402

logger = logging.getLogger("diffalign.scorer")

AESTHETIC_HEAD_FILE = "sac+logos+ava1-l14-linearMSE.pth"
AESTHETIC_HEAD_URL = "https://github.com/christophschuhmann/improved-aesthetic-predictor/raw/main/sac%2Blogos%2Bava1-l14-linearMSE.pth"
HPS_FILES = {"v2.0": "HPS_v2_compressed.pt", "v2.1": "HPS_v2.1_compressed.pt"}
OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)


def decode_image(data: bytes, media_type: str | None) -> Any:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.convert("RGB")


def _device_and_dtype():
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    name = os.environ.get("DIFFALIGN_SCORER_DTYPE", "float32")
    if name not in ("float32", "float16", "bfloat16"):
        raise ModelLoadError(f"DIFFALIGN_SCORER_DTYPE={name!r}: use float32, float16 or bfloat16")
    dtype = getattr(torch, name) if device == "cuda" else torch.float32
    return device, dtype


def _features(output: Any, *names: str):
    """transformers' get_*_features return a tensor (4.x) or an output object (newer): the tensor."""
    import torch

    if isinstance(output, torch.Tensor):
        return output
    for name in names + ("pooler_output",):
        value = getattr(output, name, None)
        if value is not None:
            return value
    raise TypeError(f"cannot find embeddings in {type(output).__name__}")


def _numpy(tensor) -> np.ndarray:
    return tensor.detach().float().cpu().numpy()


class Loaders:
    """One loader per model name; CLIP ViT-L/14 is loaded once if CLIPScore and aesthetic share it."""

    def __init__(self, model_dir: str | None) -> None:
        self.model_dir = model_dir
        self._clip: dict[str, tuple[Any, Any]] = {}

    def table(self, names) -> dict[str, Callable[[], core.ScoringModel]]:
        every = {
            "pickscore": self.pickscore,
            "hpsv2": self.hpsv2,
            "imagereward": self.imagereward,
            "clipscore": self.clipscore,
            "aesthetic": self.aesthetic,
        }
        return {name: every[name] for name in names}

    def _hf_clip(self, model_id: str, processor_id: str | None = None):
        key = f"{model_id}|{processor_id or model_id}"
        if key not in self._clip:
            from transformers import AutoModel, AutoProcessor

            device, dtype = _device_and_dtype()
            processor = AutoProcessor.from_pretrained(processor_id or model_id)
            model = AutoModel.from_pretrained(model_id, torch_dtype=dtype).eval().to(device)
            self._clip[key] = (model, processor)
        return self._clip[key]

    def _clip_featurizer(self, model, processor, with_scale: bool):
        import torch

        device = next(model.parameters()).device
        dtype = next(model.parameters()).dtype

        def featurize(prompts, images):
            image_inputs = processor(images=images, return_tensors="pt")
            text_inputs = processor(text=prompts, padding=True, truncation=True, max_length=77, return_tensors="pt")
            with torch.inference_mode():
                pixels = image_inputs["pixel_values"].to(device=device, dtype=dtype)
                image = _features(model.get_image_features(pixel_values=pixels), "image_embeds")
                text = _features(
                    model.get_text_features(**{k: v.to(device) for k, v in text_inputs.items()}), "text_embeds"
                )
            features = {"image_embeds": _numpy(image), "text_embeds": _numpy(text)}
            if with_scale:
                features["logit_scale"] = float(model.logit_scale.detach().float().item())
            return features

        return featurize

    def pickscore(self) -> core.ScoringModel:
        model, processor = self._hf_clip(
            os.environ.get("DIFFALIGN_PICKSCORE_MODEL", "yuvalkirstain/PickScore_v1"),
            os.environ.get("DIFFALIGN_PICKSCORE_PROCESSOR", "laion/CLIP-ViT-H-14-laion2B-s32B-b79K"),
        )
        return core.ScoringModel("pickscore", self._clip_featurizer(model, processor, with_scale=True))

    def clipscore(self) -> core.ScoringModel:
        model, processor = self._hf_clip(os.environ.get("DIFFALIGN_CLIPSCORE_MODEL", "openai/clip-vit-large-patch14"))
        return core.ScoringModel("clipscore", self._clip_featurizer(model, processor, with_scale=False))

    def aesthetic(self) -> core.ScoringModel:
        import torch

        model, processor = self._hf_clip(os.environ.get("DIFFALIGN_AESTHETIC_CLIP_MODEL", "openai/clip-vit-large-patch14"))
        path = os.environ.get("DIFFALIGN_AESTHETIC_HEAD")
        bundled = os.path.join(self.model_dir or "", "aesthetic", AESTHETIC_HEAD_FILE)
        if not path and os.path.isfile(bundled):
            path = bundled
        if not path:
            path = os.path.join(torch.hub.get_dir(), "diffalign", AESTHETIC_HEAD_FILE)
            if not os.path.isfile(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                torch.hub.download_url_to_file(AESTHETIC_HEAD_URL, path)
        state = torch.load(path, map_location="cpu")
        layers = core.aesthetic_layers_from_state_dict({k: v.float().numpy() for k, v in state.items()})
        device = next(model.parameters()).device
        dtype = next(model.parameters()).dtype

        def featurize(prompts, images):
            pixels = processor(images=images, return_tensors="pt")["pixel_values"].to(device=device, dtype=dtype)
            with torch.inference_mode():
                image = _features(model.get_image_features(pixel_values=pixels), "image_embeds")
            return {"image_embeds": _numpy(image), "layers": layers}

        return core.ScoringModel("aesthetic", featurize)

    def hpsv2(self) -> core.ScoringModel:
        import open_clip
        import torch
        import torchvision.transforms.functional as TF

        device, dtype = _device_and_dtype()
        version = os.environ.get("DIFFALIGN_HPSV2_VERSION", "v2.1")
        if version not in HPS_FILES:
            raise ModelLoadError(f"DIFFALIGN_HPSV2_VERSION={version!r}: use one of {', '.join(HPS_FILES)}")
        checkpoint = os.environ.get("DIFFALIGN_HPSV2_CHECKPOINT")
        if not checkpoint:
            from huggingface_hub import hf_hub_download

            checkpoint = hf_hub_download("xswu/HPSv2", HPS_FILES[version])
        model = open_clip.create_model("ViT-H-14", pretrained=None, device="cpu")
        state = torch.load(checkpoint, map_location="cpu")
        model.load_state_dict(state.get("state_dict", state))  # strict: a mismatch fails loudly
        model = model.eval().to(device=device, dtype=dtype)
        tokenizer = open_clip.get_tokenizer("ViT-H-14")
        size = model.visual.image_size
        size = size[0] if isinstance(size, (tuple, list)) else int(size)

        def preprocess(image):
            tensor = TF.to_tensor(image)
            new_w, new_h, left, top, right, bottom = core.letterbox_geometry(image.width, image.height, size)
            if (new_w, new_h) != (image.width, image.height):
                tensor = TF.resize(tensor, [new_h, new_w], interpolation=TF.InterpolationMode.BICUBIC)
                tensor = TF.pad(tensor, [left, top, right, bottom], fill=0)
            return TF.normalize(tensor, OPENAI_MEAN, OPENAI_STD)

        def featurize(prompts, images):
            pixels = torch.stack([preprocess(image) for image in images]).to(device=device, dtype=dtype)
            text = tokenizer(prompts).to(device)
            with torch.inference_mode():
                image_features = model.encode_image(pixels, normalize=True)
                text_features = model.encode_text(text, normalize=True)
            return {"image_features": _numpy(image_features), "text_features": _numpy(text_features)}

        return core.ScoringModel("hpsv2", featurize)

    def imagereward(self) -> core.ScoringModel:
        import torch

        _shim_transformers_for_blip()
        import ImageReward as RM

        device, _ = _device_and_dtype()
        model = RM.load(os.environ.get("DIFFALIGN_IMAGEREWARD_MODEL", "ImageReward-v1.0"), device=device).eval()

        def featurize(prompts, images):
            # ImageReward.score() for one (prompt, image), batched: BLIP text encoder cross-attending
            # to the image, [CLS] feature, MLP head; the normalisation is scorer_core's.
            text = model.blip.tokenizer(prompts, padding="max_length", truncation=True, max_length=35, return_tensors="pt").to(device)
            pixels = torch.stack([model.preprocess(image) for image in images]).to(device)
            with torch.inference_mode():
                image_embeds = model.blip.visual_encoder(pixels)
                image_atts = torch.ones(image_embeds.size()[:-1], dtype=torch.long, device=device)
                output = model.blip.text_encoder(
                    text.input_ids,
                    attention_mask=text.attention_mask,
                    encoder_hidden_states=image_embeds,
                    encoder_attention_mask=image_atts,
                    return_dict=True,
                )
                raw = model.mlp(output.last_hidden_state[:, 0, :].float()).reshape(-1)
            return {"raw_rewards": _numpy(raw)}

        return core.ScoringModel("imagereward", featurize)


def _shim_transformers_for_blip() -> None:
    """ImageReward 1.5's BLIP imports three helpers from transformers.modeling_utils that newer
    transformers keep only in transformers.pytorch_utils; alias them back if needed."""
    import transformers.modeling_utils as modeling_utils

    try:
        import transformers.pytorch_utils as pytorch_utils
    except ImportError:  # pragma: no cover - very old transformers
        return
    for name in ("apply_chunking_to_forward", "find_pruneable_heads_and_indices", "prune_linear_layer"):
        if not hasattr(modeling_utils, name) and hasattr(pytorch_utils, name):
            setattr(modeling_utils, name, getattr(pytorch_utils, name))


def model_fn(model_dir: str, context: Any = None) -> core.Scorer:
    enabled = core.enabled_models()
    scorer = core.Scorer(
        loaders=Loaders(model_dir).table(enabled),
        decode=decode_image,
        limits=core.ScorerLimits.from_env(),
    )
    for name in os.environ.get("DIFFALIGN_SCORER_PRELOAD", "").split(","):
        if name.strip():
            scorer.model(core.canonical_model(name, enabled))
    logger.info("scorer serving %s (batch %d)", ", ".join(enabled), scorer.limits.batch_size)
    return scorer


def input_fn(input_data: Any, content_type: str, context: Any = None) -> Any:
    return toolkit.capture(toolkit.decode_json_body, input_data, content_type)


def predict_fn(data: Any, model: core.Scorer, context: Any = None) -> Any:
    if isinstance(data, core.HandlerError):
        return data
    return toolkit.capture(lambda: model.score(model.parse(data)))


def output_fn(prediction: Any, accept: str, context: Any = None) -> str:
    return toolkit.render(core.VERSION, prediction, accept, context)
