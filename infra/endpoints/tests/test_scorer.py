"""scorer-v1: each reward model's convention on fake embeddings, parsing, batching and order."""

from __future__ import annotations

import base64
import json
import math
import zlib

import numpy as np
import pytest

import scorer_core as core
from common.errors import HandlerError, UpstreamError, ValidationError
from helpers import FakeContext, scorer_inference

inference = scorer_inference()
RNG = np.random.default_rng(42)


def rows(n, d=8):
    return RNG.standard_normal((n, d))


def manual_cos(a, b):
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- conventions -------------------------------------------------------------------------------------


def test_pickscore_is_the_exponentiated_logit_scale_times_the_cosine():
    image, text = rows(3), rows(3)
    log_scale = math.log(100.0) - 0.02  # a trained CLIP-H scale near ln 100
    scores = core.pickscore_scores(image, text, log_scale)
    for i in range(3):
        assert scores[i] == pytest.approx(math.exp(log_scale) * manual_cos(image[i], text[i]), rel=1e-12)


def test_pickscore_pairs_each_image_with_its_own_prompt_and_ignores_norms():
    image, text = rows(4), rows(4)
    scores = core.pickscore_scores(image, text, math.log(100))
    scaled = core.pickscore_scores(image * 7.0, text * 0.01, math.log(100))
    np.testing.assert_allclose(scores, scaled, rtol=1e-12)
    swapped = core.pickscore_scores(image[::-1], text[::-1], math.log(100))
    np.testing.assert_allclose(swapped, scores[::-1], rtol=1e-12)
    aligned = core.pickscore_scores(text, text, math.log(100))
    np.testing.assert_allclose(aligned, 100.0, rtol=1e-12)


def test_hpsv2_is_the_plain_cosine():
    image, text = rows(3), rows(3)
    scores = core.hpsv2_scores(image, text)
    assert [round(s, 12) for s in scores] == [round(manual_cos(image[i], text[i]), 12) for i in range(3)]
    assert np.all(np.abs(scores) <= 1.0)


def test_imagereward_normalises_the_head_output_with_the_package_constants():
    assert core.IMAGEREWARD_MEAN == 0.16717362830052426
    assert core.IMAGEREWARD_STD == 1.0333394966054072
    raw = np.array([[0.16717362830052426], [1.2005130349059315], [-0.8661658066054072]])
    np.testing.assert_allclose(core.imagereward_scores(raw), [0.0, 1.0, -1.0], atol=1e-15)


def test_clipscore_is_100_cos_clamped_at_zero():
    image = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    text = np.array([[1.0, 1.0], [-1.0, 0.2], [0.0, 5.0]])
    scores = core.clipscore_scores(image, text)
    np.testing.assert_allclose(scores, [100 / math.sqrt(2), 0.0, 100.0], rtol=1e-12)
    assert core.CLIPSCORE_HESSEL_W / core.CLIPSCORE_SCALE * scores[0] == pytest.approx(2.5 * math.cos(math.pi / 4))


def aesthetic_state(d=8, seed=3):
    """A predictor-shaped state dict (Linear at Sequential indices 0, 2, 4, 6, 7; dropouts between)."""
    rng = np.random.default_rng(seed)
    sizes = [d, 16, 8, 4, 3, 1]
    indices = [0, 2, 4, 6, 7]
    state = {}
    for index, (fan_in, fan_out) in zip(indices, zip(sizes, sizes[1:])):
        state[f"layers.{index}.weight"] = rng.standard_normal((fan_out, fan_in))
        state[f"layers.{index}.bias"] = rng.standard_normal(fan_out)
    return state


def test_aesthetic_head_runs_the_linear_layers_in_sequential_order_on_normalised_embeddings():
    state = aesthetic_state()
    layers = core.aesthetic_layers_from_state_dict(dict(reversed(list(state.items()))))
    assert [w.shape for w, _ in layers] == [(16, 8), (8, 16), (4, 8), (3, 4), (1, 3)]
    embeds = rows(2)
    scores = core.aesthetic_scores(embeds, layers)
    for i in range(2):
        x = embeds[i] / np.linalg.norm(embeds[i])
        for index in (0, 2, 4, 6, 7):
            x = state[f"layers.{index}.weight"] @ x + state[f"layers.{index}.bias"]
        assert scores[i] == pytest.approx(float(x[0]), rel=1e-12)
    np.testing.assert_allclose(core.aesthetic_scores(embeds * 12.5, layers), scores, rtol=1e-12)


def test_aesthetic_normalisation_leaves_a_zero_embedding_at_zero():
    layers = core.aesthetic_layers_from_state_dict(aesthetic_state())
    zero = core.aesthetic_scores(np.zeros((1, 8)), layers)
    only_biases = np.zeros(8)
    for weight, bias in layers:
        only_biases = weight @ only_biases + bias
    assert zero[0] == pytest.approx(float(only_biases[0]))


def test_a_malformed_aesthetic_head_fails_to_load():
    with pytest.raises(HandlerError, match="no layers"):
        core.aesthetic_layers_from_state_dict({"fc.weight": np.zeros((1, 8))})
    state = aesthetic_state()
    state["layers.2.weight"] = np.zeros((8, 5))
    with pytest.raises(HandlerError, match="takes 5 inputs"):
        core.aesthetic_layers_from_state_dict(state)


@pytest.mark.parametrize(
    "width, height, expected",
    [
        (512, 512, (224, 224, 0, 0, 0, 0)),
        (1024, 512, (224, 112, 0, 56, 0, 56)),
        (500, 1000, (112, 224, 56, 0, 56, 0)),
        (225, 100, (224, 100, 0, 62, 0, 62)),
        (224, 224, (224, 224, 0, 0, 0, 0)),
        (1000, 333, (224, 75, 0, 74, 0, 75)),
    ],
)
def test_hpsv2_letterbox_geometry(width, height, expected):
    assert core.letterbox_geometry(width, height, 224) == expected


# --- requests ---------------------------------------------------------------------------------------

PNG_1PX = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()


def req(model="pickscore", items=None):
    return {"version": "scorer-v1", "model": model, "items": items if items is not None else [{"prompt": "p", "image": {"b64": PNG_1PX, "media_type": "image/png"}}]}


def test_model_names_and_aliases():
    assert core.parse_request(req("PickScore")).model == "pickscore"
    assert core.parse_request(req("image-reward")).model == "imagereward"
    assert core.parse_request(req("hps")).model == "hpsv2"
    assert core.parse_request(req("laion_aesthetic")).model == "aesthetic"
    with pytest.raises(ValidationError, match="'geneval' is not served here"):
        core.parse_request(req("geneval"))
    with pytest.raises(ValidationError, match="'clipscore' is not served here"):
        core.parse_request(req("clipscore"), enabled=("pickscore",))


@pytest.mark.parametrize(
    "image, message",
    [
        ({"b64": "not base64!!", "media_type": "image/png"}, r"items\[0\].image.b64: not valid base64"),
        ({"b64": PNG_1PX}, r"items\[0\].image.media_type: required with b64"),
        ({"b64": PNG_1PX, "media_type": "text/html"}, r"items\[0\].image.media_type: must be one of"),
        ({"b64": PNG_1PX, "url": "https://x/y.png", "media_type": "image/png"}, "exactly one of b64 or url"),
        ({}, "exactly one of b64 or url"),
        ({"url": "file:///etc/passwd"}, r"items\[0\].image.url: must be an absolute http\(s\) URL"),
        ({"url": "s3://bucket/key.png"}, "absolute http"),
        ("https://x/y.png", r"items\[0\].image: must be an object"),
    ],
)
def test_invalid_images_are_a_400(image, message):
    with pytest.raises(ValidationError, match=message):
        core.parse_request(req(items=[{"prompt": "p", "image": image}]))


def test_other_request_errors():
    with pytest.raises(ValidationError, match="version"):
        core.parse_request({**req(), "version": "generator-v1"})
    with pytest.raises(ValidationError, match="items: must have at least 1 item"):
        core.parse_request(req(items=[]))
    with pytest.raises(ValidationError, match=r"items\[0\].prompt: must be a string"):
        core.parse_request(req(items=[{"image": {"url": "https://x/y.png"}}]))
    with pytest.raises(ValidationError, match="at most 2 items"):
        core.parse_request(req(items=[{"prompt": "p", "image": {"url": "https://x/y.png"}}] * 3), core.ScorerLimits(max_items=2))


def test_enabled_models_from_the_environment():
    assert core.enabled_models({}) == core.MODELS
    assert core.enabled_models({"DIFFALIGN_SCORER_MODELS": "aesthetic, PickScore"}) == ("pickscore", "aesthetic")
    with pytest.raises(ValidationError):
        core.enabled_models({"DIFFALIGN_SCORER_MODELS": "pickscore,nope"})


# --- the scorer object, through the toolkit hooks -----------------------------------------------------


class FakeImage:
    def __init__(self, tag: str) -> None:
        self.tag = tag


def fake_decode(data: bytes, media_type):
    if not data.startswith(b"IMG:"):
        raise ValueError("cannot identify image file")
    return FakeImage(data[4:].decode())


def embedding_of(text: str, d=8) -> np.ndarray:
    return np.random.default_rng(zlib.crc32(text.encode("utf-8"))).standard_normal(d)


class Recorder:
    def __init__(self):
        self.loads = []
        self.batches = []


def fake_loaders(recorder: Recorder, fail=()):
    """Featurizers that return deterministic fake embeddings, as the torch part returns real ones."""
    layers = core.aesthetic_layers_from_state_dict(aesthetic_state())

    def clip_like(name, extra=None):
        def load():
            recorder.loads.append(name)
            if name in fail:
                raise OSError(f"{name} weights are not in the model directory")

            def featurize(prompts, images):
                recorder.batches.append((name, [image.tag for image in images]))
                features = {
                    "image_embeds": np.stack([embedding_of("img:" + image.tag) for image in images]),
                    "text_embeds": np.stack([embedding_of("txt:" + prompt) for prompt in prompts]),
                }
                features.update(extra or {})
                return features

            return core.ScoringModel(name, featurize)

        return load

    def hps():
        recorder.loads.append("hpsv2")

        def featurize(prompts, images):
            recorder.batches.append(("hpsv2", [image.tag for image in images]))
            return {
                "image_features": np.stack([embedding_of("img:" + image.tag) for image in images]),
                "text_features": np.stack([embedding_of("txt:" + prompt) for prompt in prompts]),
            }

        return core.ScoringModel("hpsv2", featurize)

    def imagereward():
        recorder.loads.append("imagereward")
        return core.ScoringModel("imagereward", lambda prompts, images: {"raw_rewards": np.array([len(p) / 10 for p in prompts])[:, None]})

    return {
        "pickscore": clip_like("pickscore", {"logit_scale": math.log(100.0)}),
        "clipscore": clip_like("clipscore"),
        "aesthetic": clip_like("aesthetic", {"layers": layers}),
        "hpsv2": hps,
        "imagereward": imagereward,
    }


def make(batch_size=2, fetch=None, fail=()):
    recorder = Recorder()
    scorer = core.Scorer(loaders=fake_loaders(recorder, fail), decode=fake_decode, limits=core.ScorerLimits(batch_size=batch_size))
    if fetch is not None:
        scorer.fetch = fetch
    return scorer, recorder


def inline(tag):
    return {"b64": base64.b64encode(f"IMG:{tag}".encode()).decode(), "media_type": "image/png"}


def invoke(scorer, body, accept="application/json"):
    context = FakeContext()
    data = inference.input_fn(json.dumps(body), "application/json", context)
    prediction = inference.predict_fn(data, scorer, context)
    return json.loads(inference.output_fn(prediction, accept, context)), context.status


def test_scores_come_back_in_request_order_over_several_batches():
    scorer, recorder = make(batch_size=2)
    items = [{"prompt": f"prompt {i}", "image": inline(f"i{i}")} for i in range(5)]
    body, status = invoke(scorer, req("pickscore", items))
    assert status is None
    assert body["version"] == "scorer-v1" and body["model"] == "pickscore" and "details" not in body
    expected = [100.0 * manual_cos(embedding_of(f"img:i{i}"), embedding_of(f"txt:prompt {i}")) for i in range(5)]
    assert body["scores"] == pytest.approx(expected, rel=1e-12)
    assert recorder.batches == [("pickscore", ["i0", "i1"]), ("pickscore", ["i2", "i3"]), ("pickscore", ["i4"])]


@pytest.mark.parametrize("model", ["hpsv2", "clipscore", "aesthetic", "imagereward"])
def test_each_model_applies_its_own_convention(model):
    scorer, _ = make()
    items = [{"prompt": "a red apple", "image": inline("x")}, {"prompt": "two dogs", "image": inline("y")}]
    body, status = invoke(scorer, req(model, items))
    assert status is None and body["model"] == model
    cos = [manual_cos(embedding_of("img:x"), embedding_of("txt:a red apple")), manual_cos(embedding_of("img:y"), embedding_of("txt:two dogs"))]
    if model == "hpsv2":
        expected = cos
    elif model == "clipscore":
        expected = [max(100 * c, 0.0) for c in cos]
    elif model == "aesthetic":
        layers = core.aesthetic_layers_from_state_dict(aesthetic_state())
        expected = core.aesthetic_scores(np.stack([embedding_of("img:x"), embedding_of("img:y")]), layers).tolist()
    else:
        expected = [(len("a red apple") / 10 - core.IMAGEREWARD_MEAN) / core.IMAGEREWARD_STD, (len("two dogs") / 10 - core.IMAGEREWARD_MEAN) / core.IMAGEREWARD_STD]
    assert body["scores"] == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_models_load_lazily_and_once():
    scorer, recorder = make()
    assert recorder.loads == []
    invoke(scorer, req("hpsv2", [{"prompt": "p", "image": inline("a")}]))
    invoke(scorer, req("hpsv2", [{"prompt": "q", "image": inline("b")}]))
    invoke(scorer, req("aesthetic", [{"prompt": "q", "image": inline("b")}]))
    assert recorder.loads == ["hpsv2", "aesthetic"]


def test_a_model_that_fails_to_load_is_a_500_naming_it():
    scorer, _ = make(fail=("clipscore",))
    body, status = invoke(scorer, req("clipscore"))
    assert status == (500, "model_load_error")
    assert body["code"] == 500 and body["message"].startswith("loading clipscore failed: OSError")


def test_unfetchable_or_undecodable_images_abstain_and_the_rest_are_scored():
    fetched = []

    def fetch(url, max_bytes, timeout):
        fetched.append(url)
        if "missing" in url:
            raise UpstreamError(f"GET {url} answered HTTP 404")
        return b"IMG:remote"

    scorer, recorder = make(batch_size=2, fetch=fetch)
    items = [
        {"prompt": "a", "image": inline("one")},
        {"prompt": "b", "image": {"url": "https://cdn.example/missing.png?sig=1"}},
        {"prompt": "c", "image": {"b64": base64.b64encode(b"garbage").decode(), "media_type": "image/jpeg"}},
        {"prompt": "d", "image": {"url": "https://cdn.example/ok.png", "media_type": "image/png"}},
        {"prompt": "e", "image": inline("five")},
    ]
    body, status = invoke(scorer, req("hpsv2", items))
    assert status is None
    scores = body["scores"]
    assert scores[1] is None and scores[2] is None
    assert all(isinstance(scores[i], float) for i in (0, 3, 4))
    assert scores[3] == pytest.approx(manual_cos(embedding_of("img:remote"), embedding_of("txt:d")), rel=1e-12)
    assert body["details"][0] == {} and body["details"][3] == {}
    assert body["details"][1]["abstained"].startswith("image could not be fetched: GET https://cdn.example/missing.png")
    assert body["details"][2]["abstained"].startswith("image could not be decoded: ValueError")
    assert recorder.batches == [("hpsv2", ["one", "remote"]), ("hpsv2", ["five"])]
    assert fetched == ["https://cdn.example/missing.png?sig=1", "https://cdn.example/ok.png"]


def test_bad_requests_are_4xx_and_a_featurizer_bug_is_a_500():
    scorer, _ = make()
    body, status = invoke(scorer, req("unknown-model"))
    assert status == (400, "validation_error") and body["version"] == "scorer-v1"

    def broken():
        return core.ScoringModel("pickscore", lambda prompts, images: {"image_embeds": np.zeros((1, 8)), "text_embeds": np.zeros((2, 8)), "logit_scale": 0.0})

    scorer.loaders = {**scorer.loaders, "pickscore": broken}
    body, status = invoke(scorer, req("pickscore", [{"prompt": "p", "image": inline("a")}]))
    assert status == (500, "internal_error") and "differ in shape" in body["message"]


def test_the_scorer_hooks_import_without_torch():
    import sys

    assert callable(inference.model_fn) and callable(inference.predict_fn)
    assert "torch" not in sys.modules and "transformers" not in sys.modules
