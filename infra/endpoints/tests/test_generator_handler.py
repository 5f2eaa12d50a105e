"""The generator's toolkit hooks end to end, with a fake pipeline injected through the seam."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

import generator_core as core
from common.errors import UpstreamError
from common.noise import parse_recipe, realize_recipe
from helpers import FakeContext, FakeRunner, decode_png, fake_eps, fake_image, generator_inference, item, request

inference = generator_inference()


def make(runner=None, uploads=None, **limits):
    runner = runner or FakeRunner()

    def uploader(url, body, kind):
        if uploads is None:
            raise AssertionError("unexpected upload")
        uploads.append((url, body, kind))

    generator = core.Generator(model_id="test/sd-tiny", runner=runner, limits=core.GeneratorLimits(**limits), uploader=uploader)
    return generator, runner


def invoke(generator, body, content_type="application/json", accept="application/json", context="fresh"):
    """What the toolkit does with one request: input_fn → predict_fn → output_fn."""
    context = FakeContext() if context == "fresh" else context
    payload = body if isinstance(body, (str, bytes)) else json.dumps(body)
    data = inference.input_fn(payload, content_type, context)
    prediction = inference.predict_fn(data, generator, context)
    text = inference.output_fn(prediction, accept, context)
    return json.loads(text), (context.status if context is not None else None)


def expected_latent(entry):
    shape = (4, entry["height"] // 8, entry["width"] // 8)
    return realize_recipe(parse_recipe(entry["noise"]), lambda seed: fake_eps(seed, shape)).astype(np.float32)


def test_one_image_per_item_in_request_order_across_groups():
    generator, runner = make(max_batch_size=2)
    entries = [
        item("p0", seed=1, width=64, height=64),
        item("p1", seed=2, width=128, height=64),
        item("p2", seed=3, width=64, height=64),
        item("p3", seed=4, width=64, height=64, steps=8),
        item("p4", seed=5, width=64, height=64),
        item("p5", seed=6, width=128, height=64),
    ]
    body, status = invoke(generator, request(*entries))
    assert status is None
    assert body["version"] == "generator-v1" and body["model"] == "test/sd-tiny"
    assert len(body["images"]) == len(entries)
    for entry, image in zip(entries, body["images"]):
        assert image["media_type"] == "image/png"
        pixels = decode_png(base64.b64decode(image["b64"]))
        assert np.array_equal(pixels, fake_image(entry["prompt"], expected_latent(entry), entry["height"], entry["width"]))
    # (64², 4 steps) holds p0 p2 p4: batches [p0, p2], [p4]; then (128×64) p1 p5; then (8 steps) p3.
    assert [batch.prompts for batch in runner.calls] == [["p0", "p2"], ["p4"], ["p1", "p5"], ["p3"]]
    assert all(len(batch.prompts) <= 2 for batch in runner.calls)


def test_latents_are_the_recipes_unit_noise_in_float32():
    generator, runner = make()
    entries = [
        item("a", noise={"terms": [{"seed": 11, "weight": 0.6}, {"seed": 12, "weight": -0.8}]}),
        item("b", noise={"terms": [{"seed": 11, "weight": 0.5732018934753635}, {"seed": 12, "weight": -0.7642691913004849}, {"seed": 13, "weight": 0.29552020666133955}]}),
        item("c", noise={"terms": [{"seed": 4294967295, "weight": -2}]}),
    ]
    invoke(generator, request(*entries))
    (batch,) = runner.calls
    assert batch.latents.dtype == np.float32 and batch.latents.shape == (3, 4, 8, 8)
    for row, entry in zip(batch.latents, entries):
        np.testing.assert_array_equal(row, expected_latent(entry))
    np.testing.assert_array_equal(batch.latents[2], -fake_eps(4294967295, (4, 8, 8)))
    assert runner.draws == [11, 12, 13, 4294967295], "a seed shared inside a batch is drawn once"


def test_the_pipeline_gets_steps_guidance_size_and_prompts():
    generator, runner = make()
    invoke(generator, request(item("x", steps=7, guidance=3.5, width=96, height=72)))
    (batch,) = runner.calls
    assert (batch.steps, batch.guidance, batch.width, batch.height) == (7, 3.5, 96, 72)
    assert batch.prompts == ["x"] and batch.negative_prompts is None


def test_negative_prompts_split_batches_by_presence():
    generator, runner = make()
    invoke(generator, request(item("a", negative_prompt="blurry"), item("b"), item("c", negative_prompt="")))
    assert [(batch.prompts, batch.negative_prompts) for batch in runner.calls] == [(["a", "c"], ["blurry", ""]), (["b"], None)]


@pytest.mark.parametrize("guidance, timesteps, expected", [(5, None, 8), (1, None, 4), (0.5, 5, 5), (7.5, 5, 10)])
def test_nfe_is_reported_per_image(guidance, timesteps, expected):
    generator, _ = make(FakeRunner(timesteps_run=timesteps))
    body, _ = invoke(generator, request(item(steps=4, guidance=guidance), item("b", steps=4, guidance=guidance)))
    assert [image["nfe"] for image in body["images"]] == [expected, expected]


def test_float_images_from_the_pipeline_are_rounded_to_bytes():
    generator, _ = make(FakeRunner(float_output=True))
    entry = item("float")
    body, _ = invoke(generator, request(entry))
    pixels = decode_png(base64.b64decode(body["images"][0]["b64"]))
    assert np.array_equal(pixels, fake_image("float", expected_latent(entry), 64, 64))


def test_put_url_items_are_uploaded_and_answered_without_the_signature():
    uploads = []
    generator, _ = make(uploads=uploads)
    url = "https://bucket.s3.eu-west-1.amazonaws.com/gen/1/c0.png?X-Amz-Algorithm=AWS4&X-Amz-Signature=deadbeef#frag"
    body, status = invoke(generator, request(item("inline"), item("put", output={"put_url": url})))
    assert status is None
    inline, put = body["images"]
    assert "b64" in inline and "url" not in inline
    assert put == {"url": "https://bucket.s3.eu-west-1.amazonaws.com/gen/1/c0.png", "media_type": "image/png", "nfe": 8}
    ((target, data, kind),) = uploads
    assert target == url and kind == "image/png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and decode_png(data).shape == (64, 64, 3)


def test_an_explicit_answer_url_is_answered_instead_of_the_put_url():
    uploads = []
    generator, _ = make(uploads=uploads)
    output = {"put_url": "https://b.s3.amazonaws.com/k.png?X-Amz-Signature=1", "url": "https://api.example/v1/generations/g/c.png"}
    body, _ = invoke(generator, request(item(output=output)))
    assert body["images"][0]["url"] == "https://api.example/v1/generations/g/c.png"
    assert uploads[0][0] == output["put_url"]


def test_images_the_safety_checker_blanked_come_back_with_a_warning():
    generator, _ = make(FakeRunner(nsfw_prompts=("flagged",)), max_batch_size=2)
    body, status = invoke(generator, request(item("fine"), item("flagged", width=128), item("flagged"), item("fine")))
    assert status is None and len(body["images"]) == 4
    assert body["warnings"] == [
        {"type": "other", "message": "items[1]: the safety checker replaced the image with a black one"},
        {"type": "other", "message": "items[2]: the safety checker replaced the image with a black one"},
    ]
    clean, _ = invoke(generator, request(item("fine")))
    assert "warnings" not in clean


def test_a_failed_upload_is_a_502():
    generator, _ = make()

    def failing(url, body, kind):
        raise UpstreamError("PUT https://x/y.png answered HTTP 403")

    generator.uploader = failing
    body, status = invoke(generator, request(item(output={"put_url": "https://x/y.png?sig=1"})))
    assert status == (502, "upstream_error")
    assert body == {"version": "generator-v1", "code": 502, "type": "upstream_error", "message": "PUT https://x/y.png answered HTTP 403"}


def test_inline_images_over_the_response_limit_are_a_413():
    generator, _ = make(max_response_bytes=100)
    body, status = invoke(generator, request(item("a"), item("b")))
    assert status[0] == 413
    assert "output.put_url" in body["message"]


@pytest.mark.parametrize(
    "payload, content_type, status, kind",
    [
        ("{not json", "application/json", 400, "validation_error"),
        (b"\xff\xfe", "application/json", 400, "validation_error"),
        (json.dumps(request(item())), "text/csv", 415, "unsupported_media_type"),
        (json.dumps(request(item(steps=0))), "application/json", 400, "validation_error"),
        (json.dumps({"version": "scorer-v1", "items": []}), "application/json; charset=utf-8", 400, "validation_error"),
    ],
)
def test_bad_requests_are_4xx_with_a_json_error(payload, content_type, status, kind):
    generator, runner = make()
    body, answered = invoke(generator, payload, content_type=content_type)
    assert answered == (status, kind)
    assert body["version"] == "generator-v1" and body["code"] == status and body["type"] == kind and body["message"]
    assert runner.calls == [], "nothing runs for a bad request"


def test_only_json_is_answered():
    generator, _ = make()
    body, status = invoke(generator, request(item()), accept="image/png")
    assert status == (406, "not_acceptable")
    _, ok = invoke(generator, request(item()), accept="application/json, text/plain;q=0.5")
    assert ok is None
    _, ok = invoke(generator, request(item()), accept="*/*")
    assert ok is None


def test_a_pipeline_failure_is_a_500_not_a_400():
    generator, _ = make(FakeRunner(fail_with=RuntimeError("CUDA out of memory")))
    body, status = invoke(generator, request(item()))
    assert status == (500, "internal_error")
    assert body["message"] == "RuntimeError: CUDA out of memory"


def test_a_size_the_model_cannot_take_fails_before_any_pipeline_call():
    class Strict(FakeRunner):
        def latent_shape(self, width, height):
            if width % 16:
                raise core.ValidationError("width and height must be multiples of 16 for this model")
            return super().latent_shape(width, height)

    runner = Strict()
    generator, _ = make(runner)
    body, status = invoke(generator, request(item("ok", width=64), item("bad", width=72)))
    assert status[0] == 400 and "multiples of 16" in body["message"]
    assert runner.calls == []


def test_without_a_context_errors_are_raised_for_the_toolkit():
    generator, _ = make(FakeRunner(fail_with=RuntimeError("boom")))
    data = inference.input_fn(json.dumps(request(item())), "application/json")
    prediction = inference.predict_fn(data, generator)
    with pytest.raises(core.HandlerError, match="boom") as caught:
        inference.output_fn(prediction, "application/json")
    assert caught.value.status == 500


def test_the_hooks_take_the_context_the_toolkit_passes():
    import inspect

    # The toolkit passes `context` only when a hook declares one more parameter than its minimum.
    assert list(inspect.signature(inference.model_fn).parameters) == ["model_dir", "context"]
    assert list(inspect.signature(inference.input_fn).parameters) == ["input_data", "content_type", "context"]
    assert list(inspect.signature(inference.predict_fn).parameters) == ["data", "model", "context"]
    assert list(inspect.signature(inference.output_fn).parameters) == ["prediction", "accept", "context"]
    assert not hasattr(inference, "transform_fn"), "the toolkit refuses transform_fn next to the other hooks"


def test_the_model_source_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("DIFFALIGN_GENERATOR_MODEL", raising=False)
    monkeypatch.delenv("DIFFALIGN_GENERATOR_MODEL_ID", raising=False)
    monkeypatch.delenv("HF_MODEL_ID", raising=False)
    with pytest.raises(core.HandlerError, match="DIFFALIGN_GENERATOR_MODEL"):
        inference._model_source(str(tmp_path))
    (tmp_path / "model_index.json").write_text("{}")
    assert inference._model_source(str(tmp_path)) == (str(tmp_path), f"local/{tmp_path.name}")
    monkeypatch.setenv("DIFFALIGN_GENERATOR_MODEL", "stabilityai/sdxl-turbo")
    assert inference._model_source(str(tmp_path)) == ("stabilityai/sdxl-turbo", "stabilityai/sdxl-turbo")
    monkeypatch.setenv("DIFFALIGN_GENERATOR_MODEL_ID", "sdxl-turbo@v1")
    assert inference._model_source(None) == ("stabilityai/sdxl-turbo", "sdxl-turbo@v1")


def test_importing_the_handler_does_not_import_torch():
    import sys

    assert "torch" not in sys.modules and "diffusers" not in sys.modules
